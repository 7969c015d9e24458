import ArgumentParser
import SAMCore
import SAMVision

/// `vision train --sharpness-every K --sharpness-images N`: lambda_max of the training loss on N fixed training
/// images, in `history.csv` (at epoch ends), `sharpness.csv` (every measurement) and `summary.json`.
struct VisionSharpnessOptions: ParsableArguments {
    @Option(name: .customLong("sharpness-every"), parsing: .unconditional,
            help: "Measure lambda_max (the largest eigenvalue of the training loss's Hessian on --sharpness-images fixed training images, by Lanczos on finite differences of gradients, to about 1e-3) at step 0, every this many steps and at each epoch end; 0 = step 0 and epoch ends only. Written to history.csv (epoch ends), sharpness.csv and summary.json. (default: off)")
    var every: Int?

    @Option(name: .customLong("sharpness-images"), parsing: .unconditional,
            help: "With --sharpness-every: the first N training images. (default: 256)")
    var images: Int?

    /// The flags' own checks, before anything is read.
    func validate() throws(InvalidInput) {
        if let every { guard every >= 0 else { throw InvalidInput("--sharpness-every must be 0 (step 0 and epoch ends only) or positive (got \(every))") } }
        if let images { guard images >= 1 else { throw InvalidInput("--sharpness-images must be at least 1 (got \(images))") } }
        if every == nil && images != nil { Terminal.warn("--sharpness-images is ignored without --sharpness-every") }
    }

    /// The observer on the first N of the training images, or nil without `--sharpness-every`.
    func observer(training: ImageSet) throws(InvalidInput) -> VisionSharpnessObserver? {
        guard let every else { return nil }
        let count = images ?? min(256, training.count)
        guard count <= training.count else {
            throw InvalidInput("--sharpness-images \(count) is more than the \(training.count) training images")
        }
        return try VisionSharpnessObserver(every: every, images: training, count: count)
    }

    /// history.csv: the epoch records, with the columns `lambda_max,grad_norm,gd_edge,sam_edge` when the run has a
    /// sharpness series: the measurement at each epoch's end (`VisionSharpnessObservation`: lambda_max, the gradient
    /// norm on the same fixed images, 2/eta, and l2-SAM's edge at that norm), each empty when it is null.
    static func history(_ run: TrainingRun) -> String {
        var csv = "epoch,steps,train_loss,train_accuracy,test_loss,test_accuracy" + (run.sharpness == nil ? "" : ",lambda_max,grad_norm,gd_edge,sam_edge") + "\n"
        var steps = 0
        for r in run.records {
            steps += r.steps
            csv += "\(r.epoch),\(r.steps),\(r.trainLoss),\(r.trainAccuracy),\(r.testLoss),\(r.testAccuracy)"
            if let series = run.sharpness {
                let o = series.value(atStep: steps)
                csv += [o?.lambdaMax, o?.gradientNorm, o?.gdEdge, o?.samEdge].map { "," + ($0.map { "\($0)" } ?? "") }.joined()
            }
            csv += "\n"
        }
        return csv
    }
}
