import Foundation
import Testing
import SAMCore
@testable import SAMVision

/// lambda_max of the CNN's loss (THEORY.md §8.4): the shifted power iteration on a known indefinite matrix, the
/// finite-difference measurement against the exact Hessian of a softmax regression, and training that does not
/// depend on being measured.
@Suite struct VisionSharpnessTests {
    /// Q diag(values) Q^T with Q a Householder reflection, as a product closure (probe = v).
    static func matrixProduct(_ values: [Double]) -> ([Double]) -> (probed: [Double], image: [Double])? {
        let n = values.count
        let u = (0..<n).map { 1 + Double($0) }, uu = u.reduce(0) { $0 + $1 * $1 }
        func reflect(_ v: [Double]) -> [Double] {
            let c = 2 * zip(u, v).reduce(0) { $0 + $1.0 * $1.1 } / uu
            return zip(v, u).map { $0 - c * $1 }
        }
        return { v in
            let w = reflect(v)
            return (v, reflect(zip(values, w).map { $0 * $1 }))
        }
    }

    @Test func powerIterationFindsTheLargestAlgebraicEigenvalue() throws {
        // The most negative eigenvalue dominates: a plain power iteration would return -5.
        let negative = try #require(PowerIteration.largestEigenvalue(dimension: 4, tolerance: 1e-6, maximumIterations: 500, seed: 1,
                                                                     product: Self.matrixProduct([-5, -1, 0.5, 3])))
        #expect(abs(negative.eigenvalue - 3) < 1e-4 && negative.converged, "\(negative)")
        let positive = try #require(PowerIteration.largestEigenvalue(dimension: 4, tolerance: 1e-6, maximumIterations: 500, seed: 1,
                                                                     product: Self.matrixProduct([-2, 1, 0.5, 4])))
        #expect(abs(positive.eigenvalue - 4) < 1e-4 && positive.converged)
        #expect(PowerIteration.largestEigenvalue(dimension: 2, tolerance: 1e-6, maximumIterations: 5, seed: 1) { _ in nil } == nil)
    }

    /// A warm start from the returned vector: at an eigenvector the Rayleigh quotient does not move, so the iteration
    /// stops after the two products its rule needs; the shifted case still returns the algebraic largest eigenvalue
    /// and a vector from which it is found again.
    @Test func warmStartFromTheReturnedVectorStopsAtOnce() throws {
        for values in [[-5, -1, 0.5, 3], [-2, 1, 0.5, 4]] {
            let product = Self.matrixProduct(values)
            let cold = try #require(PowerIteration.largestEigenvalue(dimension: 4, tolerance: 1e-9, maximumIterations: 2000, seed: 1, product: product))
            let warm = try #require(PowerIteration.largestEigenvalue(dimension: 4, tolerance: 1e-9, maximumIterations: 2000, seed: 1,
                                                                     start: cold.vector, product: product))
            #expect(abs(warm.eigenvalue - values.max()!) < 1e-6 && warm.converged, "\(values): \(warm)")
            #expect(warm.iterations == 2 && cold.iterations > 2, "\(values): cold \(cold.iterations), warm \(warm.iterations)")
            #expect(abs(PowerIteration.norm(warm.vector) - 1) < 1e-12)
        }
        // A start of the wrong length or zero is ignored: the seeded start.
        let product = Self.matrixProduct([-2, 1, 0.5, 4])
        let seeded = PowerIteration.largestEigenvalue(dimension: 4, tolerance: 1e-6, maximumIterations: 500, seed: 1, product: product)
        #expect(PowerIteration.largestEigenvalue(dimension: 4, tolerance: 1e-6, maximumIterations: 500, seed: 1, start: [0, 0, 0, 0], product: product) == seeded)
        #expect(PowerIteration.largestEigenvalue(dimension: 4, tolerance: 1e-6, maximumIterations: 500, seed: 1, start: [1], product: product) == seeded)
    }

    /// A network without convolution or hidden layer is a softmax regression: its Hessian with respect to
    /// (W, b) is (1/N) sum_n (diag(p_n) - p_n p_n^T) ⊗ (x_n, 1)(x_n, 1)^T, positive semi-definite, whose largest
    /// eigenvalue a long dense power iteration finds. The finite-difference measurement agrees to 1e-3 (measured: 8e-6), and the
    /// network's parameters are left as they were.
    @Test func matchesTheExactHessianOfASoftmaxRegression() throws {
        let images = barImages(count: 24, seed: 5)
        let net = try Network(architecture: Architecture(inputHeight: 8, inputWidth: 8, convChannels: [], hidden: 0, classes: 2), seed: 4)
        let before = net.parameters
        let observer = try VisionSharpnessObserver(every: 0, images: images, count: 24)
        let measured = try #require(try observer.measure(net))
        #expect(net.parameters.map(\.bitPattern) == before.map(\.bitPattern))
        let (x, _) = images.batch(0..<24)
        let logits = net.forward(x)
        let c = 2, k = 65
        var h = [[Double]](repeating: [Double](repeating: 0, count: c * k), count: c * k)
        for n in 0..<24 {
            let z = (0..<c).map { Double(logits.data[n * c + $0]) }
            let e = z.map { exp($0 - z.max()!) }, p = e.map { $0 / e.reduce(0, +) }
            let xt = (0..<64).map { Double(images.pixels[n * 64 + $0]) } + [1]
            for a in 0..<c { for b in 0..<c {
                let s = (a == b ? p[a] : 0) - p[a] * p[b]
                for i in 0..<k { for j in 0..<k { h[a * k + i][b * k + j] += s * xt[i] * xt[j] / 24 } }
            } }
        }
        let m = c * k
        var v = [Double](repeating: 1, count: m), w = v, exact = 0.0
        for _ in 0..<1000 {
            var vw = 0.0, vv = 0.0, ww = 0.0
            for i in 0..<m {
                var s = 0.0
                for j in 0..<m { s += h[i][j] * v[j] }
                w[i] = s
                vw += v[i] * s
                vv += v[i] * v[i]
                ww += s * s
            }
            exact = vw / vv
            for i in 0..<m { v[i] = w[i] / ww.squareRoot() }
        }
        #expect(abs(measured.eigenvalue - exact) <= 1e-3 * exact, "measured \(measured.eigenvalue), exact \(exact)")
        // Warm-started from its own vector the measurement agrees as well, in fewer products.
        let warm = try #require(try observer.measure(net, start: measured.vector))
        #expect(abs(warm.eigenvalue - exact) <= 1e-3 * exact && warm.iterations < measured.iterations,
                "warm \(warm.eigenvalue) in \(warm.iterations), cold in \(measured.iterations), exact \(exact)")
        // The gradient norm on the same images: ||grad L|| from the closed form (1/N) sum_n (p_n - e_(y_n)) ⊗ (x_n, 1).
        var gradient = [Double](repeating: 0, count: c * k)
        for n in 0..<24 {
            let z = (0..<c).map { Double(logits.data[n * c + $0]) }
            let e = z.map { exp($0 - z.max()!) }, p = e.map { $0 / e.reduce(0, +) }
            let xt = (0..<64).map { Double(images.pixels[n * 64 + $0]) } + [1]
            for a in 0..<c { for i in 0..<k { gradient[a * k + i] += (p[a] - (images.labels[n] == a ? 1 : 0)) * xt[i] / 24 } }
        }
        let norm = try #require(try observer.gradientNorm(net))
        #expect(abs(norm - PowerIteration.norm(gradient)) <= 1e-4 * norm, "\(norm) vs \(PowerIteration.norm(gradient))")
    }

    /// Training with the observer gives the same bits as without; the series has step 0, every 2 steps and the
    /// epoch ends, is deterministic, and is continued by a resumed run.
    @Test func trainingDoesNotDependOnBeingMeasured() throws {
        let train = barImages(count: 32, seed: 1), test = barImages(count: 16, seed: 2)
        let config = VisionTrainingConfig(architecture: Architecture(inputHeight: 8, inputWidth: 8, convChannels: [2], hidden: 4, classes: 2),
                                          optimizer: .l2SAM, learningRate: 0.1, rho: 0.05, batchSize: 8, epochs: 2, seed: 3)
        let observer = try VisionSharpnessObserver(every: 2, images: train, count: 16)
        var plain = try TrainingRun(config: config), measured = try TrainingRun(config: config)
        try plain.train(on: train, test: test)
        try measured.train(on: train, test: test, sharpness: observer)
        #expect(plain.parameters.map(\.bitPattern) == measured.parameters.map(\.bitPattern))
        let series = try #require(measured.sharpness)
        #expect(series.observations.map(\.step) == [0, 2, 4, 6, 8])
        #expect(series.observations.allSatisfy { $0.lambdaMax != nil && $0.iterations > 0 })
        // Each measurement has its gradient norm, GD's edge 2/0.1 and l2-SAM's edge at that norm, below it.
        #expect(series.observations.allSatisfy { o in
            guard let g = o.gradientNorm, let edge = o.samEdge else { return false }
            return o.gdEdge == 20 && edge == StabilityEdges.sam(learningRate: 0.1, rho: 0.05, gradientNorm: g) && edge < 20
        })
        #expect(measured.sharpnessStart?.count == measured.parameters.count)
        var resumed = try TrainingRun(config: config)
        try resumed.train(on: train, test: test, untilStep: 3, sharpness: observer)
        try resumed.train(on: train, test: test, sharpness: observer)
        #expect(resumed == measured)
        var other = try TrainingRun(config: config)
        try other.train(on: train, test: test, untilStep: 3, sharpness: observer)
        #expect(throws: InvalidInput.self) { try other.train(on: train, test: test, sharpness: try VisionSharpnessObserver(every: 3, images: train, count: 16)) }
    }
}
