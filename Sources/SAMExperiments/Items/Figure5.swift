import Foundation
import SAMCore
import SAMPlot
import SAMVision

/// Fig 5: Grad-CAM of a CNN trained with SGD against one trained with l2-SAM on MNIST-format images (Fashion-MNIST
/// from Debian by default), quantified: the share of CAM mass on foreground pixels (input > 0.1), with a 95% interval.
/// The paper reports GD focusing on the dominant (digit) pixels and SAM on minor/background ones, i.e. a smaller
/// foreground share for SAM. The measurement is reported whichever way it comes out.
enum Figure5 {
    static let item = ReproductionItem(
        id: "fig5", title: "Fig 5: Grad-CAM of a CNN trained with SGD and with l2-SAM",
        caption: "The same Fashion-MNIST test images: input, Grad-CAM of the SGD model, Grad-CAM of the ℓ₂-SAM model (last conv layer, upsampled to 28×28)."
    ) { quick in
        let trainCount = quick ? 600 : 20000, epochs = 1, camImages = quick ? 50 : 1000
        var output = ItemOutput()
        output.parameters = ["Fashion-MNIST (\(MNISTDataset.fashionMNISTDirectory))", "\(trainCount) training images", "\(epochs) epoch(s)",
                             "batch 128, lr 0.05, ρ = 0.05 (ℓ₂-SAM), seed 1", "foreground: input > 0.1", "\(camImages) test images"]
        let data = try MNISTDataset()
        let train = data.train.prefix(trainCount), test = data.test.prefix(max(camImages, 100))
        var shares: [(String, Double, Double)] = []
        var nets: [(String, Network)] = []
        var csv = "optimizer,test_accuracy,foreground_share,ci95_half_width,degenerate_maps\n"
        for optimizer in [VisionOptimizer.sgd, .l2SAM] {
            var run = try TrainingRun(config: VisionTrainingConfig(optimizer: optimizer, learningRate: 0.05, rho: 0.05, batchSize: 128,
                                                                   epochs: epochs, seed: 1))
            try run.train(on: train, test: test)
            let net = try run.makeNetwork()
            var values = [Double](), degenerate = 0
            for i in 0..<camImages {
                let cam = GradCAM.compute(network: net, image: test.image(i))
                if cam.status != .ok { degenerate += 1; continue }
                values.append(cam.foregroundShare(image: test.image(i), threshold: 0.1))
            }
            let mean = values.reduce(0, +) / Double(max(1, values.count))
            let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(1, values.count - 1))).squareRoot()
            let half = 1.96 * sd / Double(max(1, values.count)).squareRoot()
            shares.append((optimizer.rawValue, mean, half))
            nets.append((optimizer.rawValue, net))
            csv += "\(optimizer.rawValue),\(run.records.last?.testAccuracy ?? .nan),\(mean),\(half),\(degenerate)\n"
        }
        let (gd, sam) = (shares[0], shares[1])
        let separated = sam.1 + sam.2 < gd.1 - gd.2 || sam.1 - sam.2 > gd.1 + gd.2
        output.claims.append(Claim(item: "fig5", statement: "Fig 5: ℓ₂-SAM's Grad-CAM puts less mass on the dominant (foreground) pixels than GD's",
                                   prediction: "SAM share < SGD share", measurement: "SGD \(fmt(gd.1)) ± \(fmt(gd.2)), ℓ₂-SAM \(fmt(sam.1)) ± \(fmt(sam.2))",
                                   verdict: !separated ? .inconclusive : (sam.1 < gd.1 ? .holds : .fails)))
        var panels: [Panel] = []
        for k in 0..<4 {
            panels.append(ImagePanel.make(test.image(k).map(Double.init), height: 28, width: 28, title: k == 0 ? "input" : nil, colorMap: .grays))
            for (name, net) in nets {
                panels.append(ImagePanel.make(GradCAM.compute(network: net, image: test.image(k)).map.map(Double.init), height: 28, width: 28,
                                              title: k == 0 ? name : nil, colorMap: .viridis))
            }
        }
        output.figures.append(("gradcam", Figure(title: "Grad-CAM, SGD against ℓ₂-SAM", width: 560, height: 740, columns: 3, panels: panels)))
        output.tables.append(("gradcam", csv))
        return output
    }
}
