import Foundation
import SAMFlow

/// Reference problems with known solutions, shared by the SAMFlow tests.
enum TestProblems {
    /// y' = −y, y = y0 e^(−t).
    static var decay: ClosureField { ClosureField(dimension: 1) { _, y, dy in dy[0] = -y[0] } }

    /// x'' = −x as (x, v): x = cos t, v = −sin t from (1, 0).
    static var oscillator: ClosureField {
        ClosureField(dimension: 2) { _, y, dy in
            dy[0] = y[1]
            dy[1] = -y[0]
        }
    }

    /// A ball falling under gravity g = 9.81 as (height, velocity).
    static let gravity = 9.81
    static var fallingBall: ClosureField {
        ClosureField(dimension: 2) { _, y, dy in
            dy[0] = y[1]
            dy[1] = -gravity
        }
    }

    /// y' = y², y(0) = 1: y = 1/(1 − t), blowing up at t = 1.
    static var blowUp: ClosureField { ClosureField(dimension: 1) { _, y, dy in dy[0] = y[0] * y[0] } }

    /// The Arenstorf orbit (restricted three-body problem, HNW I, II.0), state (y1, y2, y1', y2').
    static let arenstorfMu = 0.012277471
    static let arenstorfInitial: [Double] = [0.994, 0, 0, -2.00158510637908252240537862224]
    static let arenstorfPeriod = 17.0652165601579625588917206249
    static var arenstorf: ClosureField {
        ClosureField(dimension: 4) { _, y, dy in
            let mu = arenstorfMu, mup = 1 - mu
            let r1 = (y[0] + mu) * (y[0] + mu) + y[1] * y[1]
            let r2 = (y[0] - mup) * (y[0] - mup) + y[1] * y[1]
            let d1 = r1 * r1.squareRoot(), d2 = r2 * r2.squareRoot()
            dy[0] = y[2]
            dy[1] = y[3]
            dy[2] = y[0] + 2 * y[3] - mup * (y[0] + mu) / d1 - mu * (y[0] - mup) / d2
            dy[3] = y[1] - 2 * y[2] - mup * y[1] / d1 - mu * y[1] / d2
        }
    }

    static func maxAbsDifference(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    static func allFinite(_ solution: ODESolution) -> Bool {
        solution.times.allSatisfy(\.isFinite) && solution.states.allSatisfy { $0.allSatisfy(\.isFinite) }
            && solution.finalTime.isFinite && solution.finalState.allSatisfy(\.isFinite)
            && solution.eventsFound.allSatisfy { $0.time.isFinite && $0.state.allSatisfy(\.isFinite) }
    }
}
