import Foundation
@testable import SAMFlow
import Testing

/// `Event.component(i)` must find the same crossings, at the same bits, as the closure `{ _, y in y[i] }`, while
/// interpolating only component i (and sampling all component events in one pass).
@Suite struct ComponentEventTests {
    /// n uncoupled oscillators x_i'' = −ω_i² x_i with different frequencies and phases: many crossings per
    /// component, several inside one step when the steps are long.
    static func oscillators(_ count: Int) -> (ClosureField, [Double]) {
        let field = ClosureField(dimension: 2 * count) { _, y, dy in
            for i in 0..<count {
                let omega = 1 + 0.37 * Double(i)
                dy[i] = y[count + i]
                dy[count + i] = -omega * omega * y[i]
            }
        }
        // x_i = cos(ω_i t + 0.3 i), v_i = −ω_i sin(ω_i t + 0.3 i).
        let y0 = (0..<(2 * count)).map { k in
            k < count ? cos(0.3 * Double(k)) : -(1 + 0.37 * Double(k - count)) * sin(0.3 * Double(k - count))
        }
        return (field, y0)
    }

    func solve(_ events: [Event], count: Int, rtol: Double = 1e-9) throws -> ODESolution {
        let (field, y0) = Self.oscillators(count)
        let controller = StepSizeController(rtol: rtol, atol: 1e-3 * rtol)
        return try Integrator.solve(field: field, from: 0, state: y0, to: 12, events: events, controller: controller)
    }

    @Test(arguments: [EventDirection.either, .rising, .falling])
    func sameOccurrencesAsTheClosureEvent(direction: EventDirection) throws {
        let count = 7
        // Every position component and a general event (an energy threshold) mixed in between.
        let energy = Event(direction: .either) { _, y in y[0] * y[0] + y[count] * y[count] - 0.9 }
        let closures = [energy] + (0..<(2 * count)).map { i in Event(direction: direction) { _, y in y[i] } }
        let components = [energy] + (0..<(2 * count)).map { Event.component($0, direction: direction) }
        let a = try solve(closures, count: count), b = try solve(components, count: count)
        #expect(a.eventsFound.count > 50)
        #expect(a.eventsFound == b.eventsFound)
        #expect(a.finalState == b.finalState && a.statistics == b.statistics)
        // And each located crossing is a root of the exact solution x_i = cos(ω_i t + 0.3 i) to the solver's accuracy.
        for o in b.eventsFound where (1...count).contains(o.index) {
            let i = o.index - 1, omega = 1 + 0.37 * Double(i)
            #expect(abs(cos(omega * o.time + 0.3 * Double(i))) < 1e-6)
        }
    }

    @Test func manyCrossingsPerStepAndMixedSampleCounts() throws {
        // 40 oscillators at a loose tolerance (several crossings in most steps), 9 interior samples for half the
        // events: the events with another sample count scan on their own, and every zero of every x_i is found.
        let count = 40
        func make(_ component: Bool) -> [Event] {
            (0..<count).map { i in
                let samples = i.isMultiple(of: 2) ? 3 : 9
                return component
                    ? Event.component(i, interiorSamples: samples)
                    : Event(interiorSamples: samples) { _, y in y[i] }
            }
        }
        let a = try solve(make(false), count: count, rtol: 1e-6), b = try solve(make(true), count: count, rtol: 1e-6)
        #expect(a.eventsFound == b.eventsFound)
        #expect(b.eventsFound.count > b.statistics.acceptedSteps)
        for i in 0..<count {
            // Zeros of cos(ω t + φ) on (0, 12]: ω t + φ = π/2 + kπ.
            let omega = 1 + 0.37 * Double(i), phi = 0.3 * Double(i)
            let expected = Int(((omega * 12 + phi - Double.pi / 2) / Double.pi).rounded(.down))
                - Int(((phi - Double.pi / 2) / Double.pi).rounded(.down))
            #expect(b.eventsFound.filter { $0.index == i }.count == expected, "x_\(i)")
        }
    }

    @Test func terminalComponentEventStopsAtTheFirstCrossing() throws {
        let count = 5
        let closures = (0..<count).map { i in Event(direction: .falling, terminal: true) { _, y in y[i] } }
        let components = (0..<count).map { Event.component($0, direction: .falling, terminal: true) }
        let a = try solve(closures, count: count), b = try solve(components, count: count)
        #expect(a.eventsFound == b.eventsFound && a.result == b.result && a.finalTime == b.finalTime)
        #expect(b.eventsFound.count == 1)
    }

    @Test func componentOutsideTheStateIsAnError() throws {
        #expect(throws: IntegratorError("events[1]: component 4 is outside the state's 0..<4")) {
            _ = try solve([.component(0), .component(4)], count: 2)
        }
    }
}
