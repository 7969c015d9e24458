import Foundation
import Testing
@testable import SAMExperiments

/// Limit claims are judged in the limit (issue 12, item 5): on the flow, with the angle to the predicted direction,
/// and they fail when that angle does not go to 0.
@Suite struct LimitClaimTests {
    @Test func aWrongLimitFails() throws {
        // From (1.5, 1.5) the l_inf-SAM flow ends along e_2 (Cor 3.5): claiming e_1 must fail, claiming e_2 hold.
        let right = try Figure1.limitCheck(alpha: [1.5, 1.5], predicted: 2, discrete: [1, 1], steps: 0, discreteStatus: .completed)
        let wrong = try Figure1.limitCheck(alpha: [1.5, 1.5], predicted: 1, discrete: [1, 1], steps: 0, discreteStatus: .completed)
        #expect(right.holds && !wrong.holds, "\(right.measured) / \(wrong.measured)")
        #expect(wrong.measured.contains("angle to e_1"))
        // A limit 0 holds only for a flow that collapses.
        #expect(try !Figure1.limitCheck(alpha: [1.5, 0.5], predicted: 0, discrete: [1, 0], steps: 0, discreteStatus: .completed).holds)
        #expect(try Figure1.limitCheck(alpha: [0.5, 0.5], predicted: 0, discrete: [0, 0], steps: 0, discreteStatus: .collapsed).holds)
    }
}
