import Foundation
@testable import SAMFlow
import Testing

@Suite struct EventTests {
    let impactTime = (20 / TestProblems.gravity).squareRoot()

    @Test func terminalEventStopsTheBallAtImpact() throws {
        let ground = Event(direction: .falling, terminal: true) { _, y in y[0] }
        let s = try Integrator.solve(
            field: TestProblems.fallingBall, from: 0, state: [10, 0], to: 5, saveAt: .every(0.5), events: [ground],
            controller: StepSizeController(rtol: 1e-10, atol: 1e-10))
        let hit = try #require(s.eventsFound.first)
        print("ball: impact at \(hit.time), error \(hit.time - impactTime), bracket \(hit.timeUncertainty)")
        #expect(s.eventsFound.count == 1)
        #expect(abs(hit.time - impactTime) < 1e-12)
        #expect(hit.timeUncertainty <= max(1e-14 * hit.time, 1e-15) + 4 * hit.time.ulp)
        #expect(hit.index == 0 && hit.terminal && hit.crossing == .falling)
        #expect(abs(hit.state[0]) < 1e-11)
        #expect(abs(hit.state[1] + TestProblems.gravity * impactTime) < 1e-9)
        #expect(s.result == .event(index: 0, time: hit.time))
        #expect(s.finalTime == hit.time && s.finalState == hit.state)
        // The grid stops at the event: 0, 0.5, 1.0, then the impact time.
        #expect(s.times == [0, 0.5, 1.0, hit.time])
    }

    @Test func nonTerminalEventIsRecordedAndIntegrationContinues() throws {
        let halfway = Event { _, y in y[0] - 5 }
        let s = try Integrator.solve(
            field: TestProblems.fallingBall, from: 0, state: [10, 0], to: 2, events: [halfway],
            controller: StepSizeController(rtol: 1e-10, atol: 1e-10))
        #expect(s.result == .completed && s.finalTime == 2)
        let crossing = try #require(s.eventsFound.first)
        #expect(s.eventsFound.count == 1)
        #expect(abs(crossing.time - (10 / TestProblems.gravity).squareRoot()) < 1e-12)
        #expect(!crossing.terminal && crossing.crossing == .falling)
        #expect(abs(s.finalState[0] - (10 - 0.5 * TestProblems.gravity * 4)) < 1e-9)
    }

    @Test func directionFiltering() throws {
        // x = cos t on [0, 10]: zeros at π/2 (falling), 3π/2 (rising), 5π/2 (falling).
        func crossings(_ direction: EventDirection) throws -> [Double] {
            let s = try Integrator.solve(
                field: TestProblems.oscillator, from: 0, state: [1, 0], to: 10,
                events: [Event(direction: direction) { _, y in y[0] }],
                controller: StepSizeController(rtol: 1e-10, atol: 1e-10))
            #expect(s.result == .completed)
            return s.eventsFound.map(\.time)
        }
        func close(_ a: [Double], _ b: [Double]) -> Bool {
            a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) < 1e-8 }
        }
        #expect(close(try crossings(.falling), [Double.pi / 2, 5 * Double.pi / 2]))
        #expect(close(try crossings(.rising), [3 * Double.pi / 2]))
        #expect(close(try crossings(.either), [Double.pi / 2, 3 * Double.pi / 2, 5 * Double.pi / 2]))
    }

    @Test func multipleEventsInTimeOrderAndFirstTerminalWins() throws {
        let events = [
            Event(direction: .falling, terminal: true) { _, y in y[0] },        // impact, t ≈ 1.43
            Event { _, y in y[0] - 8 },                                          // t ≈ 0.64
            Event(direction: .rising) { _, y in y[0] - 8 },                      // never (falling only)
            Event { _, y in y[0] - 2 },                                          // t ≈ 1.28
        ]
        let s = try Integrator.solve(
            field: TestProblems.fallingBall, from: 0, state: [10, 0], to: 5, events: events,
            controller: StepSizeController(rtol: 1e-8, atol: 1e-8, maximumStep: 10))
        #expect(s.eventsFound.map(\.index) == [1, 3, 0])
        #expect(s.eventsFound.map(\.time) == s.eventsFound.map(\.time).sorted())
        #expect(abs(s.eventsFound[0].time - (4 / TestProblems.gravity).squareRoot()) < 1e-12)
        #expect(abs(s.eventsFound[1].time - (16 / TestProblems.gravity).squareRoot()) < 1e-12)
        #expect(s.result == .event(index: 0, time: s.eventsFound[2].time))
    }

    @Test func doubleCrossingWithinOneStepNeedsSamples() throws {
        // y' = 0 in a single step [0, 1]; g(t) = (t − 0.45)(t − 0.55) dips below zero inside the step only.
        let still = ClosureField(dimension: 1) { _, _, dy in dy[0] = 0 }
        let controller = StepSizeController(initialStep: 1)
        func times(samples: Int, spacing: Double = .infinity) throws -> [Double] {
            let g = Event(interiorSamples: samples, maximumSampleSpacing: spacing) { t, _ in (t - 0.45) * (t - 0.55) }
            let s = try Integrator.solve(field: still, from: 0, state: [0], to: 1, events: [g], controller: controller)
            #expect(s.statistics.acceptedSteps == 1)
            return s.eventsFound.map(\.time)
        }
        #expect(try times(samples: 0).isEmpty)   // the documented limitation: both ends positive
        let found = try times(samples: 3)        // default: samples at 0.25, 0.5, 0.75 catch the dip
        #expect(found.count == 2 && abs(found[0] - 0.45) < 1e-14 && abs(found[1] - 0.55) < 1e-14)
        // A narrower dip between the default samples needs maximumSampleSpacing.
        let narrow = { (samples: Int, spacing: Double) throws -> Int in
            let g = Event(interiorSamples: samples, maximumSampleSpacing: spacing) { t, _ in (t - 0.6) * (t - 0.61) }
            return try Integrator.solve(field: still, from: 0, state: [0], to: 1, events: [g], controller: controller)
                .eventsFound.count
        }
        #expect(try narrow(3, .infinity) == 0)
        #expect(try narrow(3, 0.004) == 2)
    }

    @Test func brentLocatesToTolerance() {
        var calls = 0
        let bracket = BrentRootFinder.locate(a: 0, ga: -2, b: 2, gb: 2, tolerance: { max(1e-14 * abs($0), 1e-15) }) {
            calls += 1
            return $0 * $0 - 2
        }
        #expect(abs(bracket.root - 2.0.squareRoot()) <= bracket.width)
        #expect(bracket.width <= 1e-14 * 2.0.squareRoot() + 4 * 2.0.ulp)
        #expect(bracket.gRoot >= 0)   // the later end is on the post-crossing side
        #expect(calls < 20)
        // A non-finite g stops refinement but keeps a valid bracket.
        let broken = BrentRootFinder.locate(a: 0, ga: -1, b: 1, gb: 1, tolerance: { _ in 1e-15 }) { _ in .nan }
        #expect(broken.lower == 0 && broken.upper == 1 && broken.root == 1)
    }
}
