import Foundation
import SAMCore
import SAMPlot
import SAMVision

/// Fig 5: Grad-CAM of a CNN trained with SGD against one trained with l2-SAM on MNIST-format images (Fashion-MNIST
/// from Debian by default), quantified: the share of CAM mass on foreground pixels (input > 0.1), with a 95% interval.
/// The paper reports GD focusing on the dominant (digit) pixels and SAM on minor/background ones, i.e. a smaller
/// foreground share for SAM. The share is also followed over training, to see whether SAM's moves from minor to
/// major ("minor first, major last"). Both are reported whichever way they come out.
enum Figure5 {
    static let threshold = 0.1

    static let item = ReproductionItem(
        id: "fig5", title: "Fig 5: Grad-CAM of a CNN trained with SGD and with l2-SAM",
        caption: "The same Fashion-MNIST test images: input, Grad-CAM of the SGD model, Grad-CAM of the ℓ₂-SAM model (last conv layer, upsampled to 28×28); and the share of Grad-CAM mass on foreground pixels over training, with 95% intervals."
    ) { quick in
        let trainCount = quick ? 600 : 20000, epochs = 1, camImages = quick ? 50 : 1000
        // The series costs one Grad-CAM per image per point, so it uses fewer images than the final comparison.
        let seriesEvery = quick ? 1 : 10, seriesImages = quick ? 30 : 300
        var output = ItemOutput()
        output.parameters = ["Fashion-MNIST (\(MNISTDataset.fashionMNISTDirectory))", "\(trainCount) training images", "\(epochs) epoch(s)",
                             "batch 128, lr 0.05, ρ = 0.05 (ℓ₂-SAM), seed 1", "foreground: input > \(threshold)", "\(camImages) test images",
                             "share over training: every \(seriesEvery) steps on \(seriesImages) test images"]
        let data = try MNISTDataset()
        let train = data.train.prefix(trainCount), test = data.test.prefix(max(camImages, 100))
        var finals: [(name: String, share: ForegroundShare)] = []
        var perImage: [[Double?]] = []
        var series: [(name: String, series: ForegroundShareSeries)] = []
        var nets: [(String, Network)] = []
        var csv = "optimizer,test_accuracy,foreground_share,ci95_half_width,degenerate_maps\n"
        for optimizer in [VisionOptimizer.sgd, .l2SAM] {
            var run = try TrainingRun(config: VisionTrainingConfig(optimizer: optimizer, learningRate: 0.05, rho: 0.05, batchSize: 128,
                                                                   epochs: epochs, seed: 1))
            let observer = try ForegroundShareObserver(every: seriesEvery, images: test, count: seriesImages, threshold: threshold)
            try run.train(on: train, test: test, observer: observer)
            let net = try run.makeNetwork()
            let shares = try ForegroundShare.shares(network: net, images: test, count: camImages, threshold: Float(threshold))
            let share = ForegroundShare(perImage: shares)
            perImage.append(shares)
            finals.append((optimizer.rawValue, share))
            series.append((optimizer.rawValue, run.camShare!))
            nets.append((optimizer.rawValue, net))
            // Empty fields rather than "nan" when every map was degenerate: the table stays valid numbers.
            csv += "\(optimizer.rawValue),\(run.records.last?.testAccuracy ?? .nan),\(share.mean.map { "\($0)" } ?? ""),\(share.halfWidth.map { "\($0)" } ?? ""),\(share.degenerateMaps)\n"
        }
        let (gd, sam) = (finals[0].share, finals[1].share)
        // The verdict uses the paired difference on the same images; the two separate intervals are shown too.
        let paired = try PairedShareDifference(perImage[1], perImage[0])
        let comparison = paired.comparison
        output.claims.append(Claim(item: "fig5", statement: "Fig 5: ℓ₂-SAM's Grad-CAM puts less mass on the dominant (foreground) pixels than GD's",
                                   prediction: "SAM share − SGD share < 0 (paired 95% interval below 0)",
                                   measurement: "SGD \(gd), ℓ₂-SAM \(sam); SAM − SGD, paired: \(paired)",
                                   verdict: comparison == .below ? .holds : comparison == .above ? .fails : .inconclusive))
        output.claims.append(trendClaim(sam: series[1].series, sgd: series[0].series))

        var panels: [Panel] = []
        for k in 0..<4 {
            let image = try test.image(k)
            panels.append(ImagePanel.make(image.map(Double.init), height: 28, width: 28, title: k == 0 ? "input" : nil, colorMap: .grays))
            for (name, net) in nets {
                panels.append(ImagePanel.make(try GradCAM.compute(network: net, image: image).map.map(Double.init), height: 28, width: 28,
                                              title: k == 0 ? name : nil, colorMap: .viridis))
            }
        }
        output.figures.append(("gradcam", Figure(title: "Grad-CAM, SGD against ℓ₂-SAM", width: 560, height: 740, columns: 3, panels: panels)))
        output.figures.append(("cam_share", Figure(seriesPanel(series), width: 560, height: 360)))
        output.tables.append(("gradcam", csv))
        output.tables.append(("cam_share", "optimizer," + ForegroundShareObservation.csvHeader + "\n"
            + series.flatMap { s in s.series.observations.map { "\(s.name),\($0.csvRow)\n" } }.joined()))
        return output
    }

    /// "Minor first, major last" read on Grad-CAM: ℓ₂-SAM's foreground share should rise from the first observation
    /// (step 0) to the last. Decided by the two 95% intervals; SGD's change is given alongside for comparison.
    static func trendClaim(sam: ForegroundShareSeries, sgd: ForegroundShareSeries) -> Claim {
        func change(_ s: ForegroundShareSeries) -> (ForegroundShareObservation, ForegroundShareObservation, ForegroundShare.Comparison)? {
            guard let first = s.observations.first, let last = s.observations.last, last.step > first.step else { return nil }
            return (first, last, last.share.compared(to: first.share))
        }
        func describe(_ c: (ForegroundShareObservation, ForegroundShareObservation, ForegroundShare.Comparison)?) -> String {
            guard let (first, last, comparison) = c else { return "not enough observations" }
            let word = switch comparison {
            case .above: "rises"
            case .below: "falls"
            case .overlapping: "no significant change"
            case .undetermined: "undetermined (no interval)"
            }
            return "\(word): \(first.share) at step \(first.step) → \(last.share) at step \(last.step)"
        }
        let samChange = change(sam)
        let verdict: Claim.Verdict = switch samChange?.2 {
        case .above: .holds
        case .below: .fails
        default: .inconclusive
        }
        return Claim(item: "fig5", statement: "Beyond the paper: over training, ℓ₂-SAM's Grad-CAM share on foreground (major) pixels rises, as \"minor first, major last\" would suggest",
                     prediction: "share at the end > share at step 0",
                     measurement: "ℓ₂-SAM \(describe(samChange)); SGD \(describe(change(sgd)))", verdict: verdict, kind: .extrapolation)
    }

    /// The share against the training step for each optimizer: a line through the means and a 95% error bar at
    /// each observation (one series per optimizer, its bars separated by NaN so they are not joined).
    static func seriesPanel(_ series: [(name: String, series: ForegroundShareSeries)]) -> Panel {
        var panel = Panel(title: "Grad-CAM foreground share over training (bars: 95% intervals)", x: Axis("training step"), y: Axis("share of CAM mass on foreground"))
        for (k, s) in series.enumerated() {
            let points = s.series.observations.compactMap { o in o.share.mean.map { (Double(o.step), $0) } }
            panel.add(LineSeries(x: points.map(\.0), y: points.map(\.1), label: s.name == "sgd" ? "SGD" : "ℓ₂-SAM", style: .palette(k, markers: true)))
            var xs: [Double] = [], ys: [Double] = []
            for o in s.series.observations {
                guard let low = o.share.ci95Low, let high = o.share.ci95High else { continue }
                xs += [Double(o.step), Double(o.step), .nan]
                ys += [low, high, .nan]
            }
            panel.add(LineSeries(x: xs, y: ys, style: SeriesStyle(colorIndex: k, dash: .solid, width: 1, opacity: 0.6)))
        }
        return panel
    }
}
