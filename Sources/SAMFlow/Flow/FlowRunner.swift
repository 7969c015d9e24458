import Foundation
import SAMCore

/// Integrates a SAM flow with events: blow-up, loss tolerance, weights reaching 0 (where the l_inf flow's field
/// is discontinuous: a weight whose field points into 0 from both sides is held there, a Filippov sliding mode, and
/// released when either one-sided field turns), and collapse. Leaders switch at times root-found on the dense output.
public final class FlowRunner {
    /// The run's specification.
    public let spec: RunSpec
    /// Its flow settings (end time, rescaling, tolerances, events).
    public let settings: FlowSettings
    /// The examples.
    public let dataset: Dataset
    /// The model the registry built from the spec.
    public let model: any Model
    /// The lane algebra of a diagonal model (nil for a dense one: its weights feed several coordinates, so weights
    /// reaching 0 are not events and nothing is pinned).
    let algebra: (any LaneAlgebra)?
    let field: FlowField
    /// The flow's right-hand side (for timing the bare field, `samlab bench flow`). Its `held` flags change while
    /// `run` handles slides.
    public var vectorField: FlowField { field }
    /// Measures each recorded row's sharpness after the solve, when the spec asks for it.
    let sharpness: SharpnessProbe?
    /// Whether recorded rows keep all the weights (`TrajectoryRow.weights`).
    public let recordsWeights: Bool

    /// The state at a leader sample, interpolated here rather than into a new array (n values).
    private let leaderState: UnsafeMutableBufferPointer<Double>
    /// Decides the leaders at a sample without allocating.
    let leaderProbe: LeaderProbe
    /// The dense output's step of the last leader sample, where the next one is looked for first
    /// (`DenseOutput._evaluate(at:near:into:)`). Read and written only by the leader samples of `run`, one thread
    /// at a time, so without the dynamic exclusivity check.
    @exclusivity(unchecked) private var leaderStep = 0

    /// Restarts (events handled) before the run is declared stalled.
    static let maximumSegments = 100_000

    /// A runner for a flow spec on `dataset`, with `registry`'s rules, losses and models. A discrete spec, or a blow-up norm not above the initial ||w||_2, is an error.
    /// `recordsWeights` keeps all the weights in every recorded row (`TrajectoryRow.weights`; off by default).
    public init(spec: RunSpec, dataset: Dataset, registry: Registry = .standard, recordsWeights: Bool = false) throws(SpecError) {
        self.recordsWeights = recordsWeights
        let components = try spec.components(for: .time, dimension: dataset.dimension, registry: registry)
        let settings = spec.flow!
        (self.spec, self.settings, self.dataset, model) = (spec, settings, dataset, components.model)
        algebra = (components.model as? any DiagonalModel)?.laneAlgebra
        sharpness = SharpnessProbe.forRun(spec, components: components, dataset: dataset)
        field = FlowField(rule: components.rule, model: components.model, dataset: dataset, loss: components.loss,
                          rescaled: settings.rescaled, logTime: settings.logTime, registry: registry)
        leaderState = .allocate(capacity: model.initialWeights.count)
        leaderState.initialize(repeating: 0)
        leaderProbe = LeaderProbe(field: field, algebra: algebra, dimension: dataset.dimension)
        let norm = model.initialWeights.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard settings.blowupNorm > norm else {
            throw .inconsistent(field: "blowup_norm", detail: "(\(settings.blowupNorm)) must exceed the initial ||w||_2 = \(norm)")
        }
    }

    deinit { leaderState.deallocate() }

    /// Solver time from flow time and back (log time: tau = log(1 + t)).
    func solverTime(_ t: Double) -> Double { settings.logTime ? Foundation.log1p(t) : t }
    func flowTime(_ tau: Double) -> Double {
        guard settings.logTime else { return tau }
        // The end maps back to the requested time exactly (expm1(log1p(T)) can be off by an ulp or two).
        return tau == solverTime(settings.time) ? settings.time : Foundation.expm1(tau)
    }

    enum EventKind {
        case blowUp, lossTolerance, reachesZero(Int), releaseUp(Int), releaseDown(Int)
    }

    /// Integrates the flow to its end time or a terminal event and returns the result: recorded rows, leader periods located on the dense output, slides, status (THEORY.md §2.3) and solver work.
    ///
    /// `shouldStop` is asked every few solver steps and between segments; when it returns true the run ends with
    /// status `interrupted` at the last accepted time (a server's time limit, for example).
    public func run(shouldStop: () -> Bool = { false }) -> RunResult {
        let c = settings
        // atol is relative to the initial weight scale, so that the default accuracy does not depend on the scale
        // of the weights: the rescaled l2-SAM flow from (c alpha, c rho) is the flow from (alpha, rho) scaled by c,
        // and with the tolerance scaled too the solver takes the same steps (THEORY.md §6.2).
        let controller = StepSizeController(rtol: c.rtol, atol: c.atol * Self.weightScale(model.initialWeights))
        let end = solverTime(c.time)
        // The spec's validation admits only the solvers' names; without one, the tolerance decides.
        let solver = c.solver.flatMap(Solver.init(rawValue:)) ?? Solver.automatic(rtol: c.rtol)
        let grid = spec.record.times(end: c.time).map(solverTime).filter { $0 > 0 && $0 < end }
        var tau = 0.0
        var state = model.initialWeights
        let n = state.count
        var samples: [(Double, [Double], [Bool])] = [(0, state, field.held)]
        var dense: [(DenseOutput, [Bool])] = []
        var statistics = SolverReport()
        var slides: [SlideRecord] = []
        var status: RunStatus?
        var reason: String?
        var eventTime: Double?
        let d = dataset.dimension
        let used = dataset.usedCoordinates
        var segments = 0
        let zeroTolerance = Self.zeroTolerance * (model.initialWeights.map(abs).max() ?? 0)

        while status == nil {
            if shouldStop() {
                status = .interrupted
                reason = "stopped at t = \(flowTime(tau)) on request (a time limit or a signal)"
                break
            }
            segments += 1
            if segments > Self.maximumSegments {
                status = .stalled
                reason = "more than \(Self.maximumSegments) events at t = \(flowTime(tau))"
                break
            }
            var kinds: [EventKind] = [.blowUp]
            var events: [Event] = [Event(direction: .rising, terminal: true) { _, w in
                w.reduce(0) { $0 + $1 * $1 }.squareRoot() - c.blowupNorm
            }]
            if let tolerance = c.lossTolerance {
                kinds.append(.lossTolerance)
                let kernelField = field
                events.append(Event(direction: .falling, terminal: true) { _, w in
                    (kernelField.observe(w)?.observation.logLoss ?? .nan) - Foundation.log(tolerance)
                })
            }
            for i in 0..<n {
                if field.held[i] {
                    let f = field
                    let delta = Self.offset(state)
                    kinds.append(.releaseUp(i))
                    events.append(Event(direction: .rising, terminal: true) { _, w in f.component(i, of: w, at: delta) ?? 0 })
                    kinds.append(.releaseDown(i))
                    events.append(Event(direction: .falling, terminal: true) { _, w in f.component(i, of: w, at: -delta) ?? 0 })
                } else if algebra != nil {
                    kinds.append(.reachesZero(i))
                    events.append(.component(i, direction: .either, terminal: true))
                }
            }
            let solution: ODESolution
            do {
                solution = try Integrator.solve(field: field, from: tau, state: state, to: end,
                                                saveAt: .times(grid.filter { $0 > tau }), events: events,
                                                controller: controller, denseOutput: true, solver: solver,
                                                shouldStop: shouldStop)
            } catch {
                status = .stalled
                reason = "\(error)"
                break
            }
            statistics.acceptedSteps += solution.statistics.acceptedSteps
            statistics.rejectedSteps += solution.statistics.rejectedSteps
            statistics.functionEvaluations += solution.statistics.functionEvaluations
            if let output = solution.denseOutput { dense.append((output, field.held)) }
            for (t, s) in zip(solution.times, solution.states).dropFirst() { samples.append((t, s, field.held)) }
            tau = solution.finalTime
            state = solution.finalState
            switch solution.result {
            case .completed:
                status = .completed
            case .stalled(let why):
                // Many weights reaching 0 within rounding of one another (a collapse at large d) leave the step
                // nowhere to go. Weights already at 0 to within `zeroTolerance` of the initial scale, with the field
                // pointing into 0 from both sides, are then where the events would have put them: hold them and go on.
                var rescued = false
                for i in 0..<n where algebra != nil && !field.held[i] && abs(state[i]) <= zeroTolerance {
                    let value = state[i]
                    state[i] = 0
                    let delta = Self.offset(state)
                    if let up = field.component(i, of: state, at: delta), let down = field.component(i, of: state, at: -delta),
                       up < 0, down > 0 {
                        field.held[i] = true
                        rescued = true
                        slides.append(SlideRecord(parameter: i + 1, layer: i / d + 1, coordinate: i % d + 1, start: flowTime(tau), end: nil))
                    } else {
                        state[i] = value
                    }
                }
                if rescued {
                    if !used.isEmpty, used.allSatisfy({ j in pinned(j, d: d) }) {
                        status = .collapsed
                        eventTime = flowTime(tau)
                        reason = "every coordinate's predictor is held at 0 from t = \(flowTime(tau))"
                    }
                } else if let blowUp = extrapolatedBlowUp(state, held: field.held, at: tau, end: end) {
                    // A finite-time blow-up that the norm cannot reach in Float64 time before the step underflows.
                    status = .blowUp
                    eventTime = flowTime(blowUp.time)
                    reason = "||w||_2 = \(blowUp.norm) could not reach \(c.blowupNorm) before the step size underflowed at t = \(flowTime(tau)); blow-up at t = \(flowTime(blowUp.time)), extrapolated from the growth of beta_\(blowUp.coordinate) (t* = t + L/((L-2) d log|beta_j|/dt))"
                } else {
                    status = .stalled
                    reason = why
                }
            case .interrupted(let time):
                status = .interrupted
                reason = "stopped at t = \(flowTime(time)) on request (a time limit or a signal)"
            case .nonFinite(let time):
                status = .diverged
                reason = "the field became non-finite after t = \(flowTime(time))"
                eventTime = flowTime(time)
            case .event(let index, let time):
                let t = flowTime(time)
                switch kinds[index] {
                case .blowUp:
                    status = .blowUp
                    eventTime = t
                    reason = "||w||_2 reached \(c.blowupNorm) at t = \(t)"
                    // At L >= 3 the rescaled flow blows up at a finite time just after; the reason gives it (the
                    // event is the crossing of the bound).
                    if let blowUp = extrapolatedBlowUp(state, held: field.held, at: time, end: .infinity, within: 1e-3) {
                        reason! += "; the flow blows up at t = \(flowTime(blowUp.time)), extrapolated from the growth of beta_\(blowUp.coordinate) (t* = t + L/((L-2) d log|beta_j|/dt))"
                    }
                case .lossTolerance:
                    status = .converged
                    eventTime = t
                case .reachesZero(let i):
                    state[i] = 0
                    let delta = Self.offset(state)
                    if let up = field.component(i, of: state, at: delta), let down = field.component(i, of: state, at: -delta),
                       up < 0, down > 0 {
                        // The field points into 0 from both sides: slide (hold the weight at 0).
                        field.held[i] = true
                        slides.append(SlideRecord(parameter: i + 1, layer: i / d + 1, coordinate: i % d + 1, start: t, end: nil))
                        if !used.isEmpty, used.allSatisfy({ j in pinned(j, d: d) }) {
                            status = .collapsed
                            eventTime = t
                            reason = "every coordinate's predictor is held at 0 from t = \(t)"
                        }
                    }
                case .releaseUp(let i), .releaseDown(let i):
                    field.held[i] = false
                    if let k = slides.lastIndex(where: { $0.parameter == i + 1 && $0.end == nil }) { slides[k].end = t }
                }
            }
        }
        if status == .collapsed || status == .completed || status == .converged || status == .blowUp {
            // The final state is a regular sample too (after any event's zeroing of a weight).
            if samples.last?.0 == tau { samples.removeLast() }
            samples.append((tau, state, field.held))
        }
        let (leaders, leadersAbsolute) = locateLeaders(dense)
        let rows: [TrajectoryRow] = samples.compactMap { tau, s, held in
            guard let (o, v) = field.observe(s, held: held) else { return nil }
            let l = Self.leaders(beta: o.beta!, velocity: v)
            var row = TrajectoryRow(clock: flowTime(tau), logLoss: o.logLoss, margin: o.margin, norm: o.norm, beta: o.beta,
                                    leader: l.relative, leaderAbsolute: l.absolute, sharpness: sharpness?.measure(s), mse: o.mse)
            if recordsWeights { row.weights = s }
            return row
        }
        statistics.segments = segments
        statistics.method = solver.rawValue
        let last = rows.last
        let final = StateObservation(logLoss: last?.logLoss ?? .nan, margin: last?.margin ?? .nan, norm: last?.norm ?? .nan,
                                     beta: last?.beta ?? model.beta(of: state), mse: last?.mse)
        return RunResult(spec: spec, status: status!, reason: reason, eventClock: eventTime, endClock: flowTime(tau), rows: rows,
                         leaders: leaders, leadersAbsolute: leadersAbsolute, final: final, finalWeights: state,
                         layerCount: model.layerCount, examples: dataset.count, dimension: d, slides: slides,
                         solver: statistics, mu: dataset.singleExampleMu, layerShapes: algebra == nil ? model.layerShapes : nil)
    }

    /// The time of a finite-time blow-up whose norm cannot be reached before the solver's step underflows (depth
    /// L >= 3, rescaled flows), or the blow-up time just after the norm reached `blowup_norm`, extrapolated from the
    /// state at solver time `tau`: near the blow-up each layer of the leading
    /// coordinate grows as a' ~ c a^(L-1), so a ~ ((L-2) c (t* - t))^(-1/(L-2)) and beta_j ~ a^L, whence
    /// d log|beta_j|/dt = L / ((L-2)(t* - t)) and t* = t + L / ((L-2) d log|beta_j|/dt) (THEORY.md §6.2; exact for
    /// balanced GD on D_mu, where t* = 1/((L-2) mu_max alpha^(L-2)); otherwise its error is a small fraction of the
    /// remainder, since the other coordinates and the perturbation (of size rho against weights near the blow-up
    /// norm) fall behind). Nil unless the extrapolated remainder is below `within` times the time already run (1e-8
    /// when the solver stalled: a blow-up imminent at rounding level) and t* is before `end`.
    func extrapolatedBlowUp(_ state: [Double], held: [Bool], at tau: Double, end: Double,
                            within: Double = 1e-8) -> (time: Double, coordinate: Int, norm: Double)? {
        let depth = Double(model.depth)
        guard settings.rescaled, model.depth >= 3, tau > 0, let (observation, velocity) = field.observe(state, held: held),
              let beta = observation.beta else { return nil }
        var best = 0.0, coordinate = 0
        for j in 0..<beta.count where beta[j] != 0 && beta[j].isFinite {
            let rate = velocity[j] / beta[j]
            if rate.isFinite, rate > best { best = rate; coordinate = j + 1 }
        }
        guard best > 0 else { return nil }
        let remainder = depth / ((depth - 2) * best)
        guard remainder <= within * tau, tau + remainder <= end else { return nil }
        return (tau + remainder, coordinate, state.reduce(0) { $0 + $1 * $1 }.squareRoot())
    }

    /// Whether coordinate j's predictor is pinned at 0 by held weights (the model's algebra decides).
    func pinned(_ j: Int, d: Int) -> Bool {
        algebra?.pinsPredictor(held: (0..<model.layerCount).map { field.held[$0 * d + j] }) ?? false
    }

    /// The initial weight scale s0 = max_i |w_i(0)| (1 when every weight starts at 0): the solver's absolute
    /// tolerance is `atol` times s0.
    public static func weightScale(_ weights: [Double]) -> Double {
        let scale = weights.map(abs).max() ?? 0
        return scale > 0 && scale.isFinite ? scale : 1
    }

    /// The offset at which one-sided fields are taken: far below the solver's resolution of the weights.
    static func offset(_ state: [Double]) -> Double {
        1e-12 * max(state.map(abs).max() ?? 0, 1e-300)
    }

    /// Relative and absolute leaders (1-based, 0 = nothing grows) from beta and d beta / dt.
    public static func leaders(beta: [Double], velocity: [Double]) -> (relative: Int, absolute: Int) {
        var race = LeaderRace()
        for j in 0..<beta.count { race.offer(j, beta: beta[j], velocity: velocity[j]) }
        return (race.relative, race.absolute)
    }

    /// The leaders at the start of step k of a dense output: from the field the solver evaluated there (its stage
    /// 1, `DenseOutput.withStartDerivative`) when the probe can decide from a velocity and the solver's field is
    /// dw/dt itself (not in log time, whose factor e^tau changes its bits); else with a field evaluation.
    func leadersAtStepStart(_ segment: (DenseOutput, [Bool]), step k: Int) -> (relative: Int, absolute: Int)? {
        let output = segment.0, tau = output.stepStarts[k]
        guard !settings.logTime, leaderProbe.decidesFromVelocity,
              let known = output.withStartDerivative(ofStep: k, { $0.flatMap { leadersAt(output, tau, velocity: $0) } })
        else { return leadersAt(segment, tau) }
        return known
    }

    /// The leaders at solver time tau of a segment: the state interpolated on its dense output, then one field
    /// evaluation with the segment's held weights.
    func leadersAt(_ segment: (DenseOutput, [Bool]), _ tau: Double) -> (relative: Int, absolute: Int)? {
        guard segment.0._evaluate(at: tau, near: &leaderStep, into: leaderState) else { return nil }
        return leaderProbe.leaders(at: UnsafeBufferPointer(leaderState), held: segment.1)
    }

    /// The leaders at a step start tau of `output` from the field there (all finite, as every accepted step's
    /// stage 1 is; nil otherwise, and the caller evaluates): the state is the step's own y, bit for bit (θ = 0).
    func leadersAt(_ output: DenseOutput, _ tau: Double, velocity: UnsafeBufferPointer<Double>) -> (relative: Int, absolute: Int)? {
        guard velocity.allSatisfy(\.isFinite), output._evaluate(at: tau, near: &leaderStep, into: leaderState) else { return nil }
        return leaderProbe.leaders(at: UnsafeBufferPointer(leaderState), velocity: velocity)
    }

    /// Leaders at every step start and midpoint and at the end of the dense output (evaluated once, for both the
    /// relative and the absolute leader; at a step start read off the solver's own evaluation of the field there
    /// when it is the same value); each change is bisected on the interpolant
    /// to the solver's time resolution, and the search then goes on over the rest of the interval, so that several
    /// switches inside one step (a period shorter than a step) are each found and timed.
    func locateLeaders(_ outputs: [(DenseOutput, [Bool])]) -> ([LeaderPeriod], [LeaderPeriod]) {
        // The leaders at every sample time, computed once for both passes.
        let sampled: [[(tau: Double, leaders: (relative: Int, absolute: Int)?)]] = outputs.map { segment in
            let output = segment.0
            var samples = [(tau: Double, leaders: (relative: Int, absolute: Int)?)]()
            samples.reserveCapacity(2 * output.stepCount + 1)
            for k in 0..<output.stepCount {
                samples.append((output.stepStarts[k], leadersAtStepStart(segment, step: k)))
                let middle = 0.5 * (output.stepStarts[k] + output.stepEnds[k])
                samples.append((middle, leadersAt(segment, middle)))
            }
            samples.append((output.end, leadersAt(segment, output.end)))
            return samples
        }
        var relative: [LeaderPeriod] = [], absolute: [LeaderPeriod] = []
        for (which, pick) in [(0, { (l: (relative: Int, absolute: Int)) in l.relative }), (1, { l in l.absolute })] {
            var switches: [LeaderPeriod] = []
            var last: (Double, Int)? = nil
            for (segment, samples) in zip(outputs, sampled) {
                let output = segment.0
                for (k, sample) in samples.enumerated() {
                    let tau = sample.tau
                    guard let l = sample.leaders.map(pick) else { continue }
                    if let (previousTau, previous) = last, previous != l {
                        // Bisect within this output when both ends lie in it, else take the boundary. The leaders at
                        // a are the previous sample's when a is its time in this output, and the first sample's when
                        // a is this output's start.
                        let a = max(previousTau, output.start)
                        func leadersAtA() -> (relative: Int, absolute: Int)? {
                            if k > 0 && samples[k - 1].tau == a { return samples[k - 1].leaders }
                            return samples[0].tau == a ? samples[0].leaders : leadersAt(segment, a)
                        }
                        if a < tau, leadersAtA().map(pick) == previous {
                            switches += changes(in: segment, from: a, leader: previous, to: tau, leader: l, pick: pick)
                        } else {
                            switches.append(LeaderPeriod(coordinate: l, start: flowTime(tau)))
                        }
                    } else if last == nil {
                        switches.append(LeaderPeriod(coordinate: l, start: flowTime(tau)))
                    }
                    last = (tau, l)
                }
            }
            if which == 0 { relative = switches } else { absolute = switches }
        }
        return (relative, absolute)
    }

    /// Every leader change on (a, b] of one dense output, in order, given the leaders at both ends: bisect to the
    /// first change (invariant: the leader at lo is the current one, at hi it is not), take the leader just after it
    /// (at hi, already evaluated by the bisection) as the current one, and continue from there until the leader at
    /// b is reached.
    func changes(in segment: (DenseOutput, [Bool]), from a: Double, leader first: Int, to b: Double, leader last: Int,
                 pick: ((relative: Int, absolute: Int)) -> Int) -> [LeaderPeriod] {
        var found: [LeaderPeriod] = []
        var start = a, current = first
        while current != last && found.count < Self.maximumSwitchesPerStep {
            var lo = start, hi = b
            var atHi: Int? = last
            while hi - lo > 1e-13 * max(1, abs(hi)) {
                let mid = 0.5 * (lo + hi)
                let atMid = leadersAt(segment, mid).map(pick)
                if atMid == current { lo = mid } else { (hi, atHi) = (mid, atMid) }
            }
            let next = hi < b ? (atHi ?? last) : last
            found.append(LeaderPeriod(coordinate: next, start: flowTime(hi)))
            current = next
            start = hi
        }
        return found
    }

    /// Weights within this fraction of the largest initial weight count as at 0 when the solver stalls there.
    static let zeroTolerance = 1e-10

    /// A bound on the leader changes located inside one interval between samples (each costs one bisection).
    static let maximumSwitchesPerStep = 64
}
