import Foundation
import SAMCore

/// The right-hand side of a SAM flow, dw/dt = -grad L(w + eps(w)) (GF when eps = 0), built on the same kernel, rule,
/// loss and model types as the discrete steps (`GeneralKernel.velocity`, `ParameterKernel.velocity`), so flows and steps share one gradient code.
///
/// Options: `rescaled` divides the field by the mean |l'| at the perturbed point (THEORY.md §1.5: a time change with
/// the same path); `logTime` integrates in tau = log(1 + t), dw/dtau = e^tau dw/dt, for unrescaled flows whose time
/// scales grow exponentially. Weights listed in `held` are pinned at 0 (a Filippov sliding mode of the l_inf flow,
/// THEORY.md §6.1).
public final class FlowField: VectorField {
    /// The number of weights n (layers times d): the length of the state.
    public let dimension: Int
    let kernel: any FieldKernel
    /// Whether the field is divided by the mean |l'| at the perturbed points (the rescaled flow, THEORY.md §1.5).
    public let rescaled: Bool
    /// Whether the solver's time is tau = log(1 + t): the field is multiplied by e^tau (THEORY.md §1.5).
    public let logTime: Bool
    /// The weights held at 0 by a sliding mode: their derivative is 0 (THEORY.md §6.1).
    public var held: [Bool] { didSet { holdsAny = held.contains(true) } }
    /// Whether any weight is held: when none is and the time is not logarithmic, `evaluate` leaves the kernel's
    /// field as it is (1 * v is v, bit for bit). Written only by `held`'s observer and read only by `evaluate`, one
    /// thread at a time, so without the dynamic exclusivity check.
    @exclusivity(unchecked) private var holdsAny = false
    /// Set when an evaluation met a non-finite field.
    public private(set) var sawNonFinite = false
    /// Scratch of 2n values, a state then a velocity, so that `component` and `observe` do not allocate them (they
    /// run at every event and leader sample of a flow). Like the kernel, a field serves one thread at a time.
    private let scratch: UnsafeMutableBufferPointer<Double>

    /// The field of `rule` on `model`, `dataset` and `loss`, built on the general kernel that `registry` makes for the rule.
    public init(rule: any Rule, model: any Model, dataset: Dataset, loss: any TrainingLoss, rescaled: Bool, logTime: Bool,
                registry: Registry = .standard) {
        kernel = KernelFactory.makeField(rule: rule, model: model, dataset: dataset, loss: loss, registry: registry)
        dimension = model.initialWeights.count
        self.rescaled = rescaled
        self.logTime = logTime
        held = Array(repeating: false, count: dimension)
        scratch = .allocate(capacity: 2 * dimension)
        scratch.initialize(repeating: 0)
    }

    deinit { scratch.deallocate() }

    /// Writes dw/dt (or dw/ds, dw/dtau) at `state`; held weights get 0, and a non-finite field gives NaN everywhere (and sets `sawNonFinite`).
    public func evaluate(time: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>) {
        guard kernel.velocity(at: state, rescaled: rescaled, into: derivative) else {
            sawNonFinite = true
            for i in 0..<dimension { derivative[i] = .nan }
            return
        }
        guard logTime || holdsAny else { return }
        let speed = logTime ? Foundation.exp(time) : 1
        held.withUnsafeBufferPointer { held in
            for i in 0..<dimension { derivative[i] = held[i] ? 0 : speed * derivative[i] }
        }
    }

    /// The unscaled field (no log-time factor, no holding) at `state`.
    public func velocity(_ state: [Double]) -> [Double]? {
        var out = [Double](repeating: 0, count: dimension)
        let ok = state.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { kernel.velocity(at: s, rescaled: rescaled, into: $0) }
        }
        return ok ? out : nil
    }

    /// Component i of the field with weight i set to `value` (one-sided limits at a switching surface).
    public func component(_ i: Int, of state: [Double], at value: Double) -> Double? {
        state.withUnsafeBufferPointer { component(i, of: $0, at: value) }
    }

    /// Component i of the unscaled field at `state` (n values) with weight i set to `value`, without allocating.
    public func component(_ i: Int, of state: UnsafeBufferPointer<Double>, at value: Double) -> Double? {
        let s = UnsafeMutableBufferPointer(rebasing: scratch[0..<dimension])
        let v = UnsafeMutableBufferPointer(rebasing: scratch[dimension..<(2 * dimension)])
        _ = s.update(fromContentsOf: state.prefix(dimension))
        s[i] = value
        guard kernel.velocity(at: UnsafeBufferPointer(s), rescaled: rescaled, into: v) else { return nil }
        return v[i]
    }

    /// Observables and d beta / dt at a state, with the weights in `held` pinned (their velocity is 0).
    public func observe(_ state: [Double], held: [Bool]? = nil) -> (observation: StateObservation, betaVelocity: [Double])? {
        state.withUnsafeBufferPointer { observe($0, held: held) }
    }

    /// `observe` at a state of n values (a buffer: the velocity goes to scratch, not to a new array).
    public func observe(_ state: UnsafeBufferPointer<Double>, held: [Bool]? = nil) -> (observation: StateObservation, betaVelocity: [Double])? {
        let v = UnsafeMutableBufferPointer(rebasing: scratch[dimension..<(2 * dimension)])
        guard kernel.velocity(at: UnsafeBufferPointer(rebasing: state.prefix(dimension)), rescaled: rescaled, into: v) else { return nil }
        if let held { for i in 0..<dimension where held[i] { v[i] = 0 } }
        let betaVelocity = kernel.betaVelocity(UnsafeBufferPointer(v))
        return (kernel.observe(includeBeta: true), betaVelocity)
    }
}
