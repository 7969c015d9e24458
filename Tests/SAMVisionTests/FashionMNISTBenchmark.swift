import Foundation
import Testing
import SAMVision

/// Throughput and one-epoch accuracy on real Fashion-MNIST, default architecture, batch 128, one BLAS thread.
/// Off by default (it takes minutes); run in release with
/// `SAMVISION_BENCH=1 swift test -c release -Xswiftc -enable-testing --scratch-path .build-vision --filter FashionMNISTBenchmark`
/// and add `SAMVISION_BENCH_EPOCH=1` for a full epoch of SGD and of l2-SAM with test accuracy.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["SAMVISION_BENCH"] != nil))
struct FashionMNISTBenchmark {
    @Test func throughputAndOneEpoch() throws {
        var start = Date()
        let data = try MNISTDataset()
        print("BENCH load \(data.train.count)+\(data.test.count) images in \(String(format: "%.2f", Date().timeIntervalSince(start))) s, BLAS threads \(BLAS.threads), core \(BLAS.coreName)")
        let steps = 40
        let subset = data.train.prefix(128 * steps)
        for optimizer in [VisionOptimizer.sgd, .l2SAM] {
            let config = VisionTrainingConfig(optimizer: optimizer, learningRate: 0.05, rho: 0.05, batchSize: 128, epochs: 1, seed: 1)
            var run = try TrainingRun(config: config)
            start = Date()
            try run.train(on: subset, test: data.test.prefix(1))
            let seconds = Date().timeIntervalSince(start)
            print("BENCH \(optimizer.rawValue): \(subset.count) images in \(String(format: "%.2f", seconds)) s = \(String(format: "%.0f", Double(subset.count) / seconds)) images/s (loss \(run.records[0].trainLoss))")
        }
        guard ProcessInfo.processInfo.environment["SAMVISION_BENCH_EPOCH"] != nil else { return }
        for optimizer in [VisionOptimizer.sgd, .l2SAM] {
            let config = VisionTrainingConfig(optimizer: optimizer, learningRate: 0.05, rho: 0.05, batchSize: 128, epochs: 1, seed: 1)
            var run = try TrainingRun(config: config)
            start = Date()
            try run.train(on: data.train, test: data.test)
            let r = run.records[0]
            print("BENCH epoch \(optimizer.rawValue): \(String(format: "%.1f", Date().timeIntervalSince(start))) s, train loss \(r.trainLoss), train acc \(r.trainAccuracy), test loss \(r.testLoss), test acc \(r.testAccuracy), status \(run.status)")
            #expect(run.status == .completed)
            let net = try run.makeNetwork()
            var share = 0.0, degenerate = 0
            for i in 0..<200 {
                let cam = GradCAM.compute(network: net, image: data.test.image(i))
                #expect(cam.map.allSatisfy { $0.isFinite })
                if cam.status != .ok { degenerate += 1 }
                share += cam.foregroundShare(image: data.test.image(i), threshold: 0.1)
            }
            print("BENCH grad-cam \(optimizer.rawValue): mean foreground share (pixel > 0.1) over 200 test images \(share / 200), degenerate maps \(degenerate)")
        }
    }
}
