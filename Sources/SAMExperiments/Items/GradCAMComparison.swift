import Foundation
import SAMCore
import SAMPlot
import SAMVision

/// What fig5 and fig5-fashion share: CNNs trained on the same images and explained by Grad-CAM on the same test
/// images, compared by the share of CAM mass on foreground pixels (input > 0.1; THEORY.md §3.7). The verdict on
/// "ℓ₂-SAM puts less mass on the foreground" is the paired difference image by image with its 95% interval; an
/// interval containing 0 is "inconclusive". The share is also followed over training, for the "minor first, major
/// last" question, which the paper does not ask (an extrapolation).
enum GradCAMComparison {
    /// Foreground: input intensity above this.
    static let threshold = 0.1

    /// One network to train: its key in tables, its label in figures and claims, its configuration, and how often
    /// the share is measured during training (0: step 0 and epoch ends only; a full-batch run has one step per epoch).
    struct Arm {
        var key: String
        var label: String
        var config: VisionTrainingConfig
        var seriesEvery: Int
    }

    /// A trained network with its per-image shares on the test images and its share over training.
    struct Trained {
        var key: String
        var label: String
        var run: TrainingRun
        var network: Network
        var shares: [Double?]
        var series: ForegroundShareSeries
        /// Accuracy on the explained test images.
        var testAccuracy: Double

        var share: ForegroundShare { ForegroundShare(perImage: shares) }
    }

    /// Trains `arm` on `train` and measures its shares on the first `camImages` of `test` (and over training on the
    /// first `seriesImages`), and its accuracy on those. The per-epoch records are measured on `epochTest` (`test`
    /// unless given: a full-batch run has an epoch per step, and a smaller set keeps that affordable). A run that
    /// does not complete (divergence) is an error: its maps would explain nothing.
    static func train(_ arm: Arm, train: ImageSet, test: ImageSet, epochTest: ImageSet? = nil, camImages: Int, seriesImages: Int) throws -> Trained {
        var run = try TrainingRun(config: arm.config)
        let observer = try ForegroundShareObserver(every: arm.seriesEvery, images: test, count: seriesImages, threshold: threshold)
        try run.train(on: train, test: epochTest ?? test, observer: observer)
        guard run.status == .completed, let series = run.camShare else {
            throw InvalidInput("\(arm.label): training ended \(run.status.rawValue)\(run.note.map { " (\($0))" } ?? "")")
        }
        let net = try run.makeNetwork()
        let explained = test.prefix(camImages)
        let shares = try ForegroundShare.shares(network: net, images: explained, threshold: Float(threshold))
        return Trained(key: arm.key, label: arm.label, run: run, network: net, shares: shares, series: series,
                       testAccuracy: net.evaluate(explained).accuracy)
    }

    /// The paper's statement for `sam` against `baseline`: the paired difference sam − baseline below 0.
    static func differenceClaim(item: String, statement: String, sam: Trained, baseline: Trained, kind: Claim.Kind = .paper) throws -> Claim {
        let paired = try PairedShareDifference(sam.shares, baseline.shares)
        let comparison = paired.comparison
        return Claim(item: item, statement: statement,
                     prediction: "\(sam.label) share − \(baseline.label) share < 0 (paired 95% interval below 0)",
                     measurement: "\(baseline.label) \(baseline.share), \(sam.label) \(sam.share); \(sam.label) − \(baseline.label), paired: \(paired)",
                     verdict: comparison == .below ? .holds : comparison == .above ? .fails : .inconclusive, kind: kind)
    }

    /// "Minor first, major last" read on Grad-CAM: `sam`'s foreground share should rise from the first observation
    /// (step 0) to the last. Decided by the two 95% intervals; the baseline's change is given alongside.
    static func trendClaim(item: String, setting: String, sam: ForegroundShareSeries, samLabel: String = "ℓ₂-SAM",
                           baseline: ForegroundShareSeries, baselineLabel: String) -> Claim {
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
        return Claim(item: item, statement: "Beyond the paper: over training\(setting), \(samLabel)'s Grad-CAM share on foreground (major) pixels rises, as \"minor first, major last\" would suggest",
                     prediction: "share at the end > share at step 0",
                     measurement: "\(samLabel) \(describe(samChange)); \(baselineLabel) \(describe(change(baseline)))", verdict: verdict, kind: .extrapolation)
    }

    /// The first `shown` test images, each next to every network's Grad-CAM (last conv layer, upsampled).
    static func gradcamFigure(title: String, test: ImageSet, nets: [Trained], shown: Int = 4) throws -> Figure {
        var panels: [Panel] = []
        for k in 0..<min(shown, test.count) {
            let image = try test.image(k)
            panels.append(ImagePanel.make(image.map(Double.init), height: test.height, width: test.width, title: k == 0 ? "input" : nil, colorMap: .grays))
            for net in nets {
                panels.append(ImagePanel.make(try GradCAM.compute(network: net.network, image: image).map.map(Double.init), height: test.height,
                                              width: test.width, title: k == 0 ? net.label : nil, colorMap: .viridis))
            }
        }
        let columns = nets.count + 1
        return Figure(title: title, width: Double(max(560, 150 * columns)) + 90, height: 740, columns: columns, panels: panels,
                      colorBar: ImagePanel.gradCAMColorBar)
    }

    /// The share against the training step for each network of one comparison: a line through the means and a 95%
    /// error bar at each observation (its bars separated by NaN so they are not joined).
    static func seriesPanel(title: String, _ nets: [Trained]) -> Panel {
        var panel = Panel(title: title, x: Axis("training step"), y: Axis("share of CAM mass on foreground"))
        for (k, net) in nets.enumerated() {
            let points = net.series.observations.compactMap { o in o.share.mean.map { (Double(o.step), $0) } }
            panel.add(LineSeries(x: points.map(\.0), y: points.map(\.1), label: net.label, style: .palette(k, markers: true)))
            var xs: [Double] = [], ys: [Double] = []
            for o in net.series.observations {
                guard let low = o.share.ci95Low, let high = o.share.ci95High else { continue }
                xs += [Double(o.step), Double(o.step), .nan]
                ys += [low, high, .nan]
            }
            panel.add(LineSeries(x: xs, y: ys, style: SeriesStyle(colorIndex: k, dash: .solid, width: 1, opacity: 0.6)))
        }
        return panel
    }

    /// `gradcam.csv` (one row per network: accuracy and final share) and `cam_share.csv` (every observation).
    /// Missing values are empty fields, never "nan".
    static func tables(_ nets: [Trained]) -> [(name: String, csv: String)] {
        func field(_ x: Double?) -> String { x.map { "\($0)" } ?? "" }
        var final = "optimizer,test_accuracy,foreground_share,ci95_half_width,degenerate_maps\n"
        var series = "optimizer," + ForegroundShareObservation.csvHeader + "\n"
        for net in nets {
            let share = net.share
            final += "\(net.key),\(net.testAccuracy),\(field(share.mean)),\(field(share.halfWidth)),\(share.degenerateMaps)\n"
            series += net.series.observations.map { "\(net.key),\($0.csvRow)\n" }.joined()
        }
        return [("gradcam", final), ("cam_share", series)]
    }
}
