import Foundation
@testable import SAMFlow
import Testing

/// The event locator's fast pass (the states interpolated once per sample time, component events tested four at a
/// time, other events read at the same interpolated states) must give the occurrences of the general path bit for
/// bit. The reference is the same events written as closures `{ _, y in y[i] }`: a solve without component events
/// never takes the fast pass, so it interpolates the whole state per event and sample as before.
@Suite struct ComponentSweepBlockTests {
    /// Events in the flow's layout: a non-component event first (the norm of oscillator 1's (x, v) rising through
    /// 1.2, a whole-state event as the flow's blow-up event),
    /// then one event per component, except that some components get two closure events instead (as a held
    /// weight's release events), which breaks the runs of consecutive indices and components. Directions vary.
    static func events(count: Int, components: Bool, terminal: Bool, held: Set<Int>) -> [Event] {
        var events = [Event(direction: .rising, terminal: terminal) { _, y in
            (y[1] * y[1] + y[count + 1] * y[count + 1]).squareRoot() - 1.2
        }]
        let directions: [EventDirection] = [.either, .rising, .falling]
        for i in 0..<(2 * count) {
            let direction = directions[(i / 5) % 3]
            if held.contains(i) {
                events.append(Event(direction: .rising) { _, y in y[i] - 0.25 })
                events.append(Event(direction: .falling) { _, y in y[i] + 0.25 })
            } else if components {
                events.append(.component(i, direction: direction))
            } else {
                events.append(Event(direction: direction) { _, y in y[i] })
            }
        }
        return events
    }

    func solve(_ events: [Event], count: Int, solver: Solver, rtol: Double) throws -> ODESolution {
        let (field, y0) = ComponentEventTests.oscillators(count)
        let controller = StepSizeController(rtol: rtol, atol: 1e-3 * rtol)
        return try Integrator.solve(
            field: field, from: 0, state: y0, to: 12, saveAt: .times([1, 2.5, 7]), events: events,
            controller: controller, denseOutput: true, solver: solver)
    }

    @Test(arguments: [Solver.dopri5, .dop853], [1e-5, 1e-9])
    func sameOccurrencesAsClosures(solver: Solver, rtol: Double) throws {
        let count = 13
        for held in [Set<Int>(), [3, 9, 10, 21]] {
            let a = try solve(Self.events(count: count, components: false, terminal: false, held: held),
                              count: count, solver: solver, rtol: rtol)
            let b = try solve(Self.events(count: count, components: true, terminal: false, held: held),
                              count: count, solver: solver, rtol: rtol)
            #expect(a.eventsFound.count > 100)
            #expect(a.eventsFound.contains { $0.index == 0 })
            #expect(a.eventsFound == b.eventsFound)
            #expect(a.finalState == b.finalState && a.times == b.times && a.states == b.states)
            #expect(a.statistics == b.statistics)
        }
    }

    @Test(arguments: [Solver.dopri5, .dop853])
    func terminalNormEventStopsAtTheSameRoot(solver: Solver) throws {
        let count = 6
        let a = try solve(Self.events(count: count, components: false, terminal: true, held: [4]),
                          count: count, solver: solver, rtol: 1e-8)
        let b = try solve(Self.events(count: count, components: true, terminal: true, held: [4]),
                          count: count, solver: solver, rtol: 1e-8)
        guard case .event(index: 0, _) = b.result else {
            Issue.record("expected the norm event to end the solve, got \(b.result)")
            return
        }
        #expect(a.result == b.result && a.finalTime == b.finalTime && a.finalState == b.finalState)
        #expect(a.eventsFound == b.eventsFound)
    }

    @Test func blockInterpolationHasEachComponentsBits() {
        // 11 components (two blocks of four and three alone), both schemes, θ across (0, 1] and beyond.
        let n = 11
        for scheme in [DenseScheme.dopri5, .dop853] {
            var state: UInt64 = 0x9E37_79B9_7F4A_7C15
            let r = (0..<(scheme.blocks * n)).map { _ -> Double in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return Double(Int64(bitPattern: state >> 11)) / Double(1 << 40) - 2048
            }
            let thetas = [1e-300, 0.25, 1.0 / 3, 0.5, 0.999999, 1, 1.5]
            var out = [Double](repeating: .nan, count: thetas.count * n)
            r.withUnsafeBufferPointer { r in
                thetas.withUnsafeBufferPointer { t in
                    out.withUnsafeMutableBufferPointer { scheme._interpolate(coefficients: r, dimension: n, thetas: t, into: $0.baseAddress!) }
                }
                for (k, theta) in thetas.enumerated() {
                    for i in 0..<n {
                        let one = scheme.interpolate(component: i, coefficients: r, dimension: n, theta: theta)
                        #expect(out[k * n + i].bitPattern == one.bitPattern, "\(scheme) θ = \(theta), component \(i)")
                    }
                }
            }
        }
    }
}
