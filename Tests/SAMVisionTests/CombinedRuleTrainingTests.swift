import Foundation
import Testing
import SAMCore
@testable import SAMVision

/// m-SAM and GSAM on the CNN: one training step against the formulas written out here (groups of M images of the
/// batch, each with eps_b = rho g_b / ||g_b||_2; GSAM's g_p - alpha g_perp), and the reductions to l2-SAM bit for bit.
@Suite struct CombinedRuleTrainingTests {
    let tiny = Architecture(inputHeight: 8, inputWidth: 8, convChannels: [4], hidden: 8, classes: 2)
    let train = barImages(count: 16, seed: 1)
    let test = barImages(count: 8, seed: 2)
    static let rho = 0.05, lr = 0.1

    func config(_ name: String, _ parameters: [String: Double] = [:]) throws -> VisionTrainingConfig {
        VisionTrainingConfig(architecture: tiny, optimizer: try #require(VisionOptimizer(rawValue: name)), learningRate: Self.lr,
                             rho: Self.rho, ruleParameters: parameters, batchSize: 8, epochs: 1, seed: 3)
    }

    func oneStep(_ config: VisionTrainingConfig) throws -> [Float] {
        var run = try TrainingRun(config: config)
        try run.train(on: train, test: test, untilStep: 1)
        #expect(run.steps == 1)
        return run.parameters
    }

    static func dot(_ a: [Float], _ b: [Float]) -> Double { zip(a, b).reduce(0) { $0 + Double($1.0) * Double($1.1) } }

    /// The plain step: for each group (consecutive `groupSize` images of the first batch), g_b, eps_b = rho g_b /
    /// ||g_b||, g_p,b at w + eps_b, GSAM's combination with alpha; w - lr sum_b (n_b / n) direction_b.
    func plainStep(groupSize: Int, alpha: Double) throws -> [Float] {
        let net = try TrainingRun(config: try config("l2-sam")).makeNetwork()
        let w = net.parameters
        let batch = Array(TrainingRun.shuffledOrder(count: train.count, seed: 3, epoch: 0).prefix(8))
        var total = [Double](repeating: 0, count: w.count)
        for start in stride(from: 0, to: batch.count, by: groupSize) {
            let group = Array(batch[start..<min(start + groupSize, batch.count)])
            net.parameters = w
            let (x, y) = try train.batch(group)
            let g = net.lossAndGradient(x, labels: y).gradient
            let norm = Self.dot(g, g).squareRoot()
            net.parameters = zip(w, g).map { $0 + Float(Self.rho * Double($1) / norm) }
            let gp = net.lossAndGradient(x, labels: y).gradient
            let k = Self.dot(g, gp) / Self.dot(gp, gp)
            for i in total.indices {
                let direction = Double(gp[i]) - alpha * (Double(g[i]) - k * Double(gp[i]))
                total[i] += Double(group.count) / Double(batch.count) * direction
            }
        }
        return zip(w, total).map { $0 - Float(Self.lr) * Float($1) }
    }

    static func relativeError(_ a: [Float], _ b: [Float]) -> Double {
        let scale = Double(b.map { abs($0) }.max()!)
        return zip(a, b).map { Double(abs($0 - $1)) }.max()! / scale
    }

    @Test(arguments: [1, 3, 4])
    func msamStepIsTheGroupsMean(_ m: Int) throws {
        let step = try oneStep(try config("msam", ["m": Double(m)]))
        let plain = try plainStep(groupSize: m, alpha: 0)
        #expect(Self.relativeError(step, plain) < 1e-5, "m = \(m)")
        #expect(step != (try oneStep(try config("l2-sam"))), "m = \(m) is not l2-SAM")
    }

    @Test(arguments: [0.1, 0.5])
    func gsamStepIsTheSurrogateGapStep(_ alpha: Double) throws {
        let step = try oneStep(try config("gsam", ["gsam_alpha": alpha]))
        #expect(Self.relativeError(step, try plainStep(groupSize: 8, alpha: alpha)) < 1e-5, "alpha = \(alpha)")
        #expect(step != (try oneStep(try config("l2-sam"))))
    }

    /// m >= the batch and gsam alpha = 0 train l2-SAM's bits; msam's norm none with m >= the batch usam's.
    @Test func reductionsAreBitForBit() throws {
        let l2 = try oneStep(try config("l2-sam")).map(\.bitPattern)
        for (name, parameters) in [("msam", ["m": 8.0]), ("msam", ["m": 100]), ("msam", [:]), ("gsam", ["gsam_alpha": 0])] {
            #expect(try oneStep(try config(name, parameters)).map(\.bitPattern) == l2, "\(name) \(parameters)")
        }
        let usam = try oneStep(try config("usam")).map(\.bitPattern)
        #expect(try oneStep(try config("msam", ["msam_norm": 1])).map(\.bitPattern) == usam)
    }

    /// GSAM's combination: g_p at alpha = 0; g_p - alpha g when g_p = 0; orthogonal part otherwise.
    @Test func gsamDirection() throws {
        let gsam = try #require(VisionOptimizer(rawValue: "gsam")).adapter(rho: 0.1, parameters: ["gsam_alpha": 0.5])
        let g: [Float] = [1, 2, -1, 0.5, 3], gp: [Float] = [0.5, -1, 2, 1, 0]
        let k = Self.dot(g, gp) / Self.dot(gp, gp)
        let expected = (0..<5).map { Float(Double(gp[$0]) - 0.5 * (Double(g[$0]) - k * Double(gp[$0]))) }
        #expect(gsam.direction(gradient: g, perturbedGradient: gp) == expected)
        #expect(gsam.direction(gradient: g, perturbedGradient: [0, 0, 0, 0, 0]) == g.map { -0.5 * $0 })
        let l2 = try #require(VisionOptimizer(rawValue: "gsam")).adapter(rho: 0.1, parameters: ["gsam_alpha": 0])
        #expect(l2.direction(gradient: g, perturbedGradient: gp) == gp)
    }

    /// The configuration writes m = n as "n" and msam_norm by name, and reads them back.
    @Test func configurationRoundTrip() throws {
        for parameters in [["m": Double.infinity, "msam_norm": 1], ["m": 2, "msam_norm": 0]] {
            let c = try config("msam", parameters)
            let data = try JSONOutput.encode(c)
            let text = String(decoding: data, as: UTF8.self)
            #expect(text.contains(parameters["m"] == .infinity ? #""m" : "n""# : #""m" : 2"#), "\(text)")
            #expect(text.contains(parameters["msam_norm"] == 1 ? #""msam_norm" : "none""# : #""msam_norm" : "l2""#), "\(text)")
            #expect(try JSONDecoder().decode(VisionTrainingConfig.self, from: data) == c)
        }
    }
}
