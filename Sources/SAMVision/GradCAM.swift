import SAMCore

/// Grad-CAM (Selvaraju et al., "Grad-CAM: Visual Explanations from Deep Networks via Gradient-based Localization",
/// ICCV 2017) on the last convolutional feature map (after its ReLU, before pooling).
///
/// weights w_k = spatial mean of d(class logit)/dA_k, map = ReLU(sum_k w_k A_k), bilinearly upsampled to the
/// input size and divided by its maximum. Degenerate cases (zero gradient, a map with no positive value,
/// non-finite numbers) give an all-zero map and a status saying why, never NaN, so a batch of heatmaps can be
/// averaged or plotted without special cases.
public struct GradCAM: Sendable, Equatable {
    /// Whether `compute` produced a map and, if not, why the map is all zero.
    public enum Status: String, Codable, Sendable {
        /// A map with a positive maximum, normalized so that the maximum is 1.
        case ok
        /// d(score)/d(features) was zero everywhere (for example a dead network).
        case zeroGradient
        /// sum_k w_k A_k had no positive value, so the ReLU left nothing.
        case nonPositiveMap
        /// The forward or backward pass produced inf or NaN.
        case nonFinite
    }

    /// Row-major heatmap of the input's size, values in [0, 1].
    public var map: [Float]
    /// Rows of `map` (the input image's height).
    public var height: Int
    /// Columns of `map` (the input image's width).
    public var width: Int
    /// The class explained (the predicted one unless chosen).
    public var classIndex: Int
    /// `.ok`, or why `map` is all zero.
    public var status: Status

    /// Computes Grad-CAM for one image (`height*width*channels` pixels) and `classIndex` (default: predicted).
    /// The network's parameter gradients are left zeroed; its parameters are not touched.
    ///
    /// Sizes are checked before any pass, because an image of the wrong size would otherwise be read as a
    /// different picture (or crash inside the convolution) rather than fail.
    public static func compute(network: Network, image: [Float], classIndex: Int? = nil) throws(InvalidInput) -> GradCAM {
        let a = network.architecture
        guard network.lastConvFeatureIndex >= 0 else { throw InvalidInput("Grad-CAM needs a network with a convolution") }
        let (h, w) = (a.inputHeight, a.inputWidth)
        guard image.count == a.inputChannels * h * w else {
            throw InvalidInput("the image has \(image.count) pixels but the network expects \(a.inputChannels)x\(h)x\(w) = \(a.inputChannels * h * w)")
        }
        if let classIndex, classIndex < 0 || classIndex >= a.classes {
            throw InvalidInput("class \(classIndex) is outside 0..<\(a.classes)")
        }
        let x = Tensor(shape: [1, a.inputChannels, h, w], data: image)
        network.zeroGradients()
        defer { network.zeroGradients() }
        let (logits, featureMaps) = network.forwardKeeping(x)
        let features = featureMaps!
        var predicted = 0
        for j in 0..<logits.count where logits.data[j] > logits.data[predicted] { predicted = j }
        let c = classIndex ?? predicted
        var seed = Tensor(zeros: logits.shape)
        seed.data[c] = 1
        let dA = network.backward(seed, stopAfter: network.lastConvFeatureIndex)
        let zero = GradCAM(map: [Float](repeating: 0, count: h * w), height: h, width: w, classIndex: c, status: .ok)

        let (k, fh, fw) = (features.shape[1], features.shape[2], features.shape[3])
        let plane = fh * fw
        var weights = [Double](repeating: 0, count: k)
        for ch in 0..<k {
            var s = 0.0
            for i in 0..<plane { s += Double(dA.data[ch * plane + i]) }
            weights[ch] = s / Double(plane)
        }
        func degenerate(_ status: Status) -> GradCAM { var z = zero; z.status = status; return z }
        guard weights.allSatisfy(\.isFinite), features.data.allSatisfy(\.isFinite) else { return degenerate(.nonFinite) }
        guard weights.contains(where: { $0 != 0 }) else { return degenerate(.zeroGradient) }
        var cam = [Double](repeating: 0, count: plane)
        for ch in 0..<k where weights[ch] != 0 {
            for i in 0..<plane { cam[i] += weights[ch] * Double(features.data[ch * plane + i]) }
        }
        for i in cam.indices { cam[i] = max(0, cam[i]) }
        guard let peak = cam.max(), peak > 0, peak.isFinite else { return degenerate(.nonPositiveMap) }
        let up = bilinear(cam, height: fh, width: fw, toHeight: h, toWidth: w)
        guard let top = up.max(), top > 0 else { return degenerate(.nonPositiveMap) }
        return GradCAM(map: up.map { Float($0 / top) }, height: h, width: w, classIndex: c, status: .ok)
    }

    /// Bilinear resampling with half-pixel centres (as in common image libraries), clamped at the borders.
    static func bilinear(_ src: [Double], height: Int, width: Int, toHeight: Int, toWidth: Int) -> [Double] {
        var out = [Double](repeating: 0, count: toHeight * toWidth)
        func coordinate(_ d: Int, _ from: Int, _ to: Int) -> (Int, Int, Double) {
            let s = min(max((Double(d) + 0.5) * Double(from) / Double(to) - 0.5, 0), Double(from - 1))
            let i0 = Int(s.rounded(.down))
            return (i0, min(i0 + 1, from - 1), s - Double(i0))
        }
        for i in 0..<toHeight {
            let (y0, y1, fy) = coordinate(i, height, toHeight)
            for j in 0..<toWidth {
                let (x0, x1, fx) = coordinate(j, width, toWidth)
                let top = src[y0 * width + x0] * (1 - fx) + src[y0 * width + x1] * fx
                let bottom = src[y1 * width + x0] * (1 - fx) + src[y1 * width + x1] * fx
                out[i * toWidth + j] = top * (1 - fy) + bottom * fy
            }
        }
        return out
    }

    /// The share of the heatmap's mass on pixels brighter than `threshold` (0 if the map is all zero): how much
    /// of the explanation sits on the object rather than the background. With M the map and x the image,
    /// share = (sum over i with x_i > threshold of M_i) / (sum over i of M_i), over pixels with M_i > 0
    /// (THEORY.md §3.7).
    public static func foregroundShare(cam: [Float], image: [Float], threshold: Float) throws(InvalidInput) -> Double {
        guard cam.count == image.count else {
            throw InvalidInput("the heatmap has \(cam.count) pixels but the image has \(image.count)")
        }
        var total = 0.0, foreground = 0.0
        for i in cam.indices where cam[i] > 0 {
            total += Double(cam[i])
            if image[i] > threshold { foreground += Double(cam[i]) }
        }
        return total > 0 ? foreground / total : 0
    }

    /// This map's foreground share on `image`, `foregroundShare(cam:image:threshold:)` with `cam` = `map`.
    public func foregroundShare(image: [Float], threshold: Float) throws(InvalidInput) -> Double {
        try Self.foregroundShare(cam: map, image: image, threshold: threshold)
    }
}
