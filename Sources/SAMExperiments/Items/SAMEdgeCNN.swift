import Foundation
import SAMCore
import SAMPlot
import SAMVision

/// The CNN panel of `sam-edge` (Long & Bartlett 2023; THEORY.md §9.4): a small CNN on a fixed seeded subset of the
/// mnist-5k digits, full-batch GD and full-batch ℓ₂-SAM with the softmax cross-entropy, λ_max of the training loss
/// (the warm-started Lanczos of `VisionSharpnessObserver`, `NoisyLanczos`, §8.4) and the gradient norm on all the
/// training digits every few steps, so that the SAM edge 4/(η(1 + √(1 + 8ρ/(η‖g‖₂)))) is known at each measurement.
enum SAMEdgeCNN {
    /// conv 4, conv 8 (3×3, ReLU, 2×2 max-pool each), hidden 16, 10 classes: 6,000 parameters or so, small enough that
    /// a gradient on all the digits costs a few milliseconds.
    static let architecture = Architecture(inputHeight: 28, inputWidth: 28, convChannels: [4, 8], hidden: 16, classes: 10)
    /// The training digits: the first `digits` of mnist-5k's seeded training split (`MNIST5k.load()`); 64 with --quick.
    static func digits(_ quick: Bool) -> Int { quick ? 64 : 128 }
    /// Test digits evaluated at each epoch end (the trainer needs a test set; the item's claims do not use it).
    static let testDigits = 50
    /// The step size: 2/η = 40, above λ_max at the start (about 42 cold, 20–26 after the first steps), so that GD
    /// sharpens up to it (THEORY.md §9.4).
    static let learningRate = 0.05
    /// ℓ₂-SAM's radius.
    static let rho = 0.05
    /// Full-batch steps (one per epoch).
    static func steps(_ quick: Bool) -> Int { quick ? 24 : 100 }
    /// Steps between measurements of λ_max and ‖g‖₂.
    static func every(_ quick: Bool) -> Int { 4 }
    /// The most Hessian-vector products (two gradients each) per measurement.
    static let products = 30
    /// The seed of the He initialization (the same network for both rules).
    static let seed: UInt64 = 1

    /// One full-batch run with λ_max, ‖g‖₂ and the edges measured at steps 0 and 1 and after every `every(quick)` steps
    /// (the steps between are trained without the observer, which changes no training bit); a run that does not
    /// complete, or a measurement that is not a number, is an error.
    static func series(_ optimizer: VisionOptimizer, rho: Double, train: ImageSet, test: ImageSet, quick: Bool, label: String) throws -> SAMEdge.Series {
        let steps = steps(quick), interval = every(quick)
        let config = VisionTrainingConfig(architecture: architecture, optimizer: optimizer, learningRate: learningRate, rho: rho,
                                          batchSize: 0, epochs: steps, seed: seed)
        var run = try TrainingRun(config: config)
        let observer = try VisionSharpnessObserver(every: 0, images: train, count: train.count, maximumIterations: products)
        // Full batch: one step per epoch; the observer measures at step 0 and at each epoch end it is given.
        try run.train(on: train, test: test, untilEpoch: 1, sharpness: observer)
        for end in stride(from: interval, through: steps, by: interval) where end > 1 && run.status != .diverged {
            try run.train(on: train, test: test, untilEpoch: end - 1)
            try run.train(on: train, test: test, untilEpoch: end, sharpness: observer)
        }
        guard run.status == .completed, let observations = run.sharpness?.observations else {
            throw InvalidInput("sam-edge CNN \(label): run ended \(run.status.rawValue)\(run.note.map { " (\($0))" } ?? "")")
        }
        let lambdas = observations.compactMap(\.lambdaMax)
        guard lambdas.count == observations.count, observations.last?.step == steps else {
            throw InvalidInput("sam-edge CNN \(label): λ_max missing at some step")
        }
        var edges: [Double]? = nil
        if optimizer == .l2SAM {
            edges = observations.compactMap(\.samEdge)
            guard edges!.count == observations.count else { throw InvalidInput("sam-edge CNN \(label): sam_edge missing at some step") }
        }
        return SAMEdge.Series(label: label, rho: rho, steps: observations.map(\.step), lambdaMax: lambdas, samEdge: edges,
                              learningRate: learningRate, products: observations.map(\.iterations),
                              converged: observations.map(\.converged), gradientNorm: observations.compactMap(\.gradientNorm))
    }

    /// GD and ℓ₂-SAM on the item's digits.
    static func runs(quick: Bool) throws -> (gd: SAMEdge.Series, sam: SAMEdge.Series, split: DatasetSplit?) {
        let data = try MNIST5k.load()
        let train = data.train.prefix(digits(quick)), test = data.test.prefix(testDigits)
        let gd = try series(.sgd, rho: 0, train: train, test: test, quick: quick, label: "GD")
        let sam = try series(.l2SAM, rho: rho, train: train, test: test, quick: quick, label: "ℓ₂-SAM, ρ = \(fmt(rho))")
        return (gd, sam, data.split)
    }
}

extension SAMEdgeCNN {
    /// The CNN panel: λ_max of GD and of ℓ₂-SAM against the step, with 2/η (dashed) and ℓ₂-SAM's edge at each measurement
    /// (dotted).
    static func panel(gd: SAMEdge.Series, sam: SAMEdge.Series) -> Panel {
        var panel = Panel(title: "CNN on MNIST (\(architectureText)): λ_{max} against step", x: Axis("step"), y: Axis("λ_{max}"),
                          legend: .lowerRight)
        panel.add(ReferenceLine.horizontal(2 / learningRate, label: "2/η", colorIndex: 7))
        let x = { (s: SAMEdge.Series) in s.steps.map(Double.init) }
        panel.add(LineSeries(x: x(sam), y: sam.lambdaMax, label: sam.label, style: SeriesStyle(colorIndex: 1, dash: .dashed, width: 2)))
        panel.add(LineSeries(x: x(sam), y: sam.samEdge!, label: "SAM edge, ρ = \(fmt(sam.rho))", style: SeriesStyle(colorIndex: 1, dash: .dotted, width: 2)))
        panel.add(LineSeries(x: x(gd), y: gd.lambdaMax, label: "GD", style: SeriesStyle(colorIndex: 0, dash: .solid, width: 2.5)))
        return panel
    }

    /// "conv 4, conv 8, hidden 16".
    static var architectureText: String {
        (architecture.convChannels.map { "conv \($0)" } + ["hidden \(architecture.hidden)"]).joined(separator: ", ")
    }

    /// The CNN's lines of the item's parameters.
    static func parameters(quick: Bool, split: DatasetSplit?, tailStep: Int) -> [String] {
        ["CNN: \(architectureText) (3×3 kernels, ReLU, 2×2 max-pool; He init, seed \(seed)), softmax cross-entropy, Float32",
         "CNN data: the first \(digits(quick)) digits of mnist-5k's training split (seed \(split?.seed ?? MNIST5k.splitSeed)), full batch",
         "CNN: GD and ℓ₂-SAM (ρ = \(fmt(rho))), η = \(fmt(learningRate)) (2/η = \(fmt(2 / learningRate))), \(steps(quick)) steps",
         "CNN: λ_max by Lanczos on central differences of gradients (NoisyLanczos), warm-started, relative residual 1e-3, at most \(products) products; ‖g‖₂ on the same digits; at steps 0, 1 and every \(every(quick)) steps",
         "CNN: ratios over the last \(Int(SAMEdge.lastFraction * 100))% of steps (from step \(tailStep))"]
    }

    /// `cnn_sharpness.csv` (every measurement) and `cnn_ratios.csv` (as `ratios.csv`).
    static func tables(gd: SAMEdge.Series, sam: SAMEdge.Series) -> [(String, String)] {
        var csv = "run,rho,step,lambda_max,grad_norm,gd_edge,sam_edge,products,converged\n"
        for s in [gd, sam] {
            for i in s.steps.indices {
                csv += "\(s.key),\(s.rho),\(s.steps[i]),\(s.lambdaMax[i]),\(s.gradientNorm[i]),\(2 / s.learningRate),\(s.samEdge.map { "\($0[i])" } ?? ""),\(s.products[i]),\(s.converged[i])\n"
            }
        }
        var ratios = "run,rho,ratio,min,mean,max\n"
        for s in [gd, sam] {
            ratios += "\(s.key),\(s.rho),lambda_max/(2/eta),\(s.gdRatio.min),\(s.gdRatio.mean),\(s.gdRatio.max)\n"
            if let r = s.samRatio { ratios += "\(s.key),\(s.rho),lambda_max/sam_edge,\(r.min),\(r.mean),\(r.max)\n" }
        }
        return [("cnn_sharpness", csv), ("cnn_ratios", ratios)]
    }
}
