import Foundation
import SAMCore
@testable import SAMVision

/// Random Floats from the project's generator, for test inputs.
func randomFloats(_ n: Int, seed: UInt64, scale: Double = 1) -> [Float] {
    var rng = SplitMix64(seed: seed)
    return (0..<n).map { _ in Float(rng.nextNormal() * scale) }
}

/// A fresh empty temporary directory.
func temporaryDirectory() -> String {
    let path = NSTemporaryDirectory() + "samvision-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Two classes of 8x8 images: a bright horizontal bar (label 0) or a vertical bar (label 1) at a random
/// position, plus a little noise.
func barImages(count: Int, seed: UInt64) -> ImageSet {
    var rng = SplitMix64(seed: seed)
    var pixels: [Float] = []
    var labels: [Int] = []
    for n in 0..<count {
        let label = n % 2
        let position = 1 + Int(rng.next() % 6)
        for i in 0..<8 {
            for j in 0..<8 {
                let on = label == 0 ? i == position : j == position
                pixels.append(min(1, max(0, (on ? 0.9 : 0.1) + Float(rng.nextNormal() * 0.05))))
            }
        }
        labels.append(label)
    }
    return try! ImageSet(height: 8, width: 8, pixels: pixels, labels: labels)
}

/// |a - b| small relative to their size (for finite-difference checks in Float32).
func close(_ a: Double, _ b: Double, relative: Double = 1e-2, absolute: Double = 1e-3) -> Bool {
    abs(a - b) <= relative * max(abs(a), abs(b)) + absolute
}
