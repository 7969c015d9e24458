import Foundation
import Testing
@testable import SAMCore

/// Margins of +-1e5 and |l'| ~ e^-4800: losses, directions and leaders stay finite and right.
@Suite struct OverflowTests {
    @Test func lossesInLogSpace() {
        for z in [-1e5, -745.0, -40, 0, 40, 745, 4800, 1e5] {
            for loss in Loss.allCases {
                #expect(loss.logValue(margin: z).isFinite)
                #expect(loss.logSlope(margin: z).isFinite)
            }
        }
        #expect(abs(Loss.logistic.logValue(margin: 4800) + 4800) < 1e-9)
        #expect(abs(Loss.logistic.logSlope(margin: 4800) + 4800) < 1e-9)
        #expect(abs(Loss.logistic.logValue(margin: -1e5) - log(1e5)) < 1e-12)
        #expect(Loss.logistic.logSlope(margin: -1e5) == 0)
        // Against direct formulas where they are accurate.
        for z in [-20.0, -1, 0, 0.5, 3, 30] {
            #expect(abs(exp(Loss.logistic.logValue(margin: z)) - log1p(exp(-z))) < 1e-14 * max(1, log1p(exp(-z))))
            #expect(abs(exp(Loss.logistic.logSlope(margin: z)) - 1 / (1 + exp(z))) < 1e-15)
        }
    }

    /// Beyond |x| = 746 softplus and the logistic log-loss skip the exponential, which underflows there: the results
    /// are the bits of the full formulas, on both sides of the bound and far beyond it.
    @Test func underflowShortcutsGiveTheFormulasBits() {
        var arguments: [Double] = [745, 745.1332, 745.14, 745.9, 746, 747, 800, 4800, 1e5, 1e300, .infinity]
        var x = LogSumExp.underflowBound
        for _ in 0..<64 { x = x.nextDown }
        for _ in 0..<128 { arguments.append(x); x = x.nextUp }
        arguments += stride(from: 700.0, through: 900, by: 0.1993)
        for a in arguments {
            for x in [a, -a] {
                let formula = x > 0 ? x + log1p(exp(-x)) : log1p(exp(x))
                #expect(LogSumExp.softplus(x).bitPattern == formula.bitPattern, "softplus(\(x))")
                if x > 36 {
                    let logLoss = -x + log1p(-0.5 * exp(-x))
                    #expect(LogisticLoss().logValue(margin: x).bitPattern == logLoss.bitPattern, "log l(\(x))")
                }
            }
        }
    }

    /// |l'| ~ e^-4800: the discrete step underflows to nothing, but the state, the perturbation and the leader
    /// (decided from the exact update, to first order) stay right.
    @Test(arguments: [Optimizer.gd, .l2SAM, .linfSAM])
    func hugeMarginsKeepTheRightLeader(_ optimizer: Optimizer) throws {
        // beta = alpha^2 = 1600, z = 1600 (1 + 2) = 4800 for GD; l2-SAM at small rho follows GD: major leads.
        for general in [false, true] {
            let network = try Fixtures.network(.product, depth: 2, alpha: [40], d: 2)
            let kernel = Fixtures.kernel(network, try .singleExample(mu: [1, 2]), .logistic, optimizer, eta: 0.1, rho: 0.01, general: general)
            let o = kernel.observe(includeBeta: true)
            #expect(abs(o.logLoss + 4800) < 1e-6)
            #expect(RunResult.direction(of: o.beta!)!.allSatisfy { $0.isFinite })
            var scan = GrowthScan(dimension: 2)
            scan.begin(step: 0)
            #expect(kernel.step(scan: &scan))
            #expect(kernel.weights.allSatisfy { $0.isFinite })
            #expect(scan.leader == 2 && scan.leaderAbsolute == 2, "\(optimizer) general=\(general)")
        }
    }

    /// Margin -1e5: the logistic step is finite; the exponential loss has |l'| = e^1e5, so a discrete step is
    /// infinite: the run must report `diverged` with the last finite state, never NaN.
    @Test func hugeNegativeMargins() throws {
        let alpha = (1e5 / 3).squareRoot()
        for loss in Loss.allCases {
            let c = RunSpec.discrete(data: .singleExample(mu: [-1, -2]), depth: 2, alpha: [alpha], loss: loss,
                                     optimizer: .l2SAM, learningRate: 1e-3, rho: 0.1, steps: 50, record: .every(10))
            let trainer = try DiscreteRunner(spec: c, dataset: try c.data.load())
            #expect(abs(trainer.state.initialLogLoss - (loss == .logistic ? log(1e5) : 1e5)) < 1e-6)
            trainer.run()
            let summary = RunSummary(trainer.result, version: "test")
            #expect(summary.logLoss.isFinite && summary.margin.isFinite)
            #expect(summary.beta.allSatisfy { $0.isFinite })
            #expect(trainer.state.rows.allSatisfy { $0.logLoss.isFinite && $0.margin.isFinite && $0.norm.isFinite })
            if loss == .exponential {
                #expect(summary.status == .diverged)
                #expect(summary.endClock == 0 && summary.eventClock == 1)
                #expect(summary.loss == nil)
            } else {
                #expect(summary.status == .completed)
                #expect(summary.loss != nil)
            }
        }
    }
}
