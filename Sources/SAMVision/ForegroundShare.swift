import Foundation
import SAMCore

/// How much of a network's Grad-CAM mass sits on foreground pixels (input intensity above a threshold), averaged
/// over test images with a 95% interval: the number behind Fig 5 (THEORY.md §3.7), computed here only, so that
/// `samlab vision gradcam`, `samlab vision train --cam-every` and the catalog report the same quantity.
public struct ForegroundShare: Codable, Sendable, Equatable, CustomStringConvertible {
    /// Images explained (degenerate ones included).
    public var images: Int
    /// Mean share over the images whose map is not degenerate; nil if every map was.
    public var mean: Double?
    /// Normal-approximation 95% interval of the mean, mean ± 1.96 s/sqrt(n); nil with fewer than two maps, where
    /// there is no spread to estimate.
    public var ci95Low: Double?
    /// Upper end of that interval, mean + 1.96 s/sqrt(n); nil with fewer than two maps.
    public var ci95High: Double?
    /// Maps left out of the mean because Grad-CAM returned no map (see `GradCAM.Status`): an all-zero map has no
    /// share, and counting it as 0 would drag the mean towards "background".
    public var degenerateMaps: Int

    /// A summary from its fields, taken as they are (nothing is recomputed or checked), for instance when decoding one.
    public init(images: Int, mean: Double?, ci95Low: Double?, ci95High: Double?, degenerateMaps: Int) {
        self.images = images
        self.mean = mean
        self.ci95Low = ci95Low
        self.ci95High = ci95High
        self.degenerateMaps = degenerateMaps
    }

    /// Half the interval's width, when there is one.
    public var halfWidth: Double? {
        guard let ci95Low, let ci95High else { return nil }
        return (ci95High - ci95Low) / 2
    }

    /// The summary of per-image shares (in their order, so the same shares give the same bits).
    public init(shares: [Double], degenerateMaps: Int) {
        let n = shares.count
        images = n + degenerateMaps
        self.degenerateMaps = degenerateMaps
        guard n > 0 else { mean = nil; ci95Low = nil; ci95High = nil; return }
        let m = shares.reduce(0, +) / Double(n)
        mean = m
        guard n > 1 else { ci95Low = nil; ci95High = nil; return }
        let sd = (shares.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(n - 1)).squareRoot()
        let half = 1.96 * sd / Double(n).squareRoot()
        ci95Low = m - half
        ci95High = m + half
    }

    /// The summary of per-image shares as `shares(network:images:)` returns them: nil marks a degenerate map.
    public init(perImage: [Double?]) {
        self.init(shares: perImage.compactMap { $0 }, degenerateMaps: perImage.count { $0 == nil })
    }

    /// Grad-CAM (of the predicted class) of the first `count` images of `images` (all of them by default).
    public static func measure(network: Network, images: ImageSet, count: Int? = nil, threshold: Float) throws(InvalidInput) -> ForegroundShare {
        ForegroundShare(perImage: try shares(network: network, images: images, count: count, threshold: threshold))
    }

    /// The share of each of the first `count` images, in order; nil where the map is degenerate.
    public static func shares(network: Network, images: ImageSet, count: Int? = nil, threshold: Float) throws(InvalidInput) -> [Double?] {
        let n = count ?? images.count
        guard n >= 1, n <= images.count else { throw InvalidInput("cannot explain \(n) of \(images.count) images") }
        guard threshold.isFinite else { throw InvalidInput("the foreground threshold must be finite, got \(threshold)") }
        var shares: [Double?] = []
        shares.reserveCapacity(n)
        for i in 0..<n {
            let image = try images.image(i)
            let cam = try GradCAM.compute(network: network, image: image)
            shares.append(cam.status == .ok ? try cam.foregroundShare(image: image, threshold: threshold) : nil)
        }
        return shares
    }

    /// Where this share lies against `other` when both 95% intervals are taken seriously.
    public enum Comparison: String, Sendable {
        /// This interval lies entirely above the other's.
        case above
        /// This interval lies entirely below the other's.
        case below
        /// The intervals overlap or touch: no difference can be claimed at this level.
        case overlapping
        /// One of them has no interval (fewer than two maps), so nothing can be said.
        case undetermined
    }

    /// `.above` if this interval's low end is above the other's high end, `.below` in the mirror case, `.overlapping`
    /// otherwise, and `.undetermined` if either has no interval. Non-overlap of two independent 95% intervals is a
    /// conservative test; for two networks on the same images, `PairedShareDifference` is the sharper one.
    public func compared(to other: ForegroundShare) -> Comparison {
        guard let low = ci95Low, let high = ci95High, let otherLow = other.ci95Low, let otherHigh = other.ci95High else { return .undetermined }
        if low > otherHigh { return .above }
        if high < otherLow { return .below }
        return .overlapping
    }

    /// "0.456 ± 0.016 over 198 images (2 degenerate maps)", for terminals and claims.
    public var description: String {
        func f(_ x: Double) -> String { String(format: "%.3f", x) }
        let value = mean.map { f($0) + (halfWidth.map { " ± " + f($0) } ?? "") } ?? "undefined (no map)"
        return "\(value) over \(images - degenerateMaps) images (\(degenerateMaps) degenerate maps)"
    }
}

/// The per-image difference of two networks' shares on the SAME images (a minus b), with a 95% interval.
///
/// Both networks explain the same images, so the difference image by image removes what the images have in common
/// (how much of each picture is foreground at all): its interval is much narrower than what comparing two
/// independent intervals allows, and it is the right test for "SAM puts less mass on the foreground than GD".
public struct PairedShareDifference: Codable, Sendable, Equatable, CustomStringConvertible {
    /// Images where both maps exist (the others are left out of the pairs).
    public var pairs: Int
    /// Mean of the differences d_i = a_i - b_i over the pairs; nil when there is no pair.
    public var mean: Double?
    /// Lower end of the normal-approximation 95% interval of that mean, mean - 1.96 s/sqrt(n), s the sample
    /// standard deviation of the d_i (as in `ForegroundShare`); nil with fewer than two pairs.
    public var ci95Low: Double?
    /// Upper end of that interval, mean + 1.96 s/sqrt(n); nil with fewer than two pairs.
    public var ci95High: Double?

    /// Pairs two networks' per-image shares on the same images, image by image (as
    /// `ForegroundShare.shares(network:images:count:threshold:)` returns them, nil for a degenerate map), and
    /// summarizes a - b over the images where both exist. Throws when `a` and `b` differ in length.
    public init(_ a: [Double?], _ b: [Double?]) throws(InvalidInput) {
        guard a.count == b.count else { throw InvalidInput("paired shares need the same images: \(a.count) against \(b.count)") }
        let differences = zip(a, b).compactMap { x, y in x.flatMap { x in y.map { x - $0 } } }
        let summary = ForegroundShare(shares: differences, degenerateMaps: 0)
        pairs = differences.count
        mean = summary.mean
        ci95Low = summary.ci95Low
        ci95High = summary.ci95High
    }

    /// Whether a's share is significantly above (`.above`) or below b's, by the paired interval.
    public var comparison: ForegroundShare.Comparison {
        guard let ci95Low, let ci95High else { return .undetermined }
        return ci95Low > 0 ? .above : ci95High < 0 ? .below : .overlapping
    }

    /// "+0.012 [+0.004, +0.020] over 198 images" (the interval only when there is one), or "no image with
    /// both maps".
    public var description: String {
        func f(_ x: Double) -> String { String(format: "%+.3f", x) }
        guard let mean else { return "no image with both maps" }
        let interval = ci95Low.flatMap { low in ci95High.map { " [\(f(low)), \(f($0))]" } } ?? ""
        return "\(f(mean))\(interval) over \(pairs) images"
    }

    private enum CodingKeys: String, CodingKey { case pairs, mean, ci95Low = "ci95_low", ci95High = "ci95_high" }
}

/// One point of the foreground share over training: where training was and what was measured.
public struct ForegroundShareObservation: Codable, Sendable, Equatable {
    /// Training steps taken when the share was measured (0: the initial network).
    public var step: Int
    /// steps / steps per epoch: 0.5 is halfway through the first epoch.
    public var epoch: Double
    /// The share measured there.
    public var share: ForegroundShare

    /// An observation from its fields.
    public init(step: Int, epoch: Double, share: ForegroundShare) {
        self.step = step
        self.epoch = epoch
        self.share = share
    }

    /// The CSV header and rows of `cam_share.csv`; missing values (no map, no interval) are empty fields.
    public static let csvHeader = "step,epoch,images,foreground_share_mean,ci95_low,ci95_high,degenerate_maps"

    /// This observation as one `cam_share.csv` row, in `csvHeader`'s column order (no newline).
    public var csvRow: String {
        func field(_ x: Double?) -> String { x.map { "\($0)" } ?? "" }
        return "\(step),\(epoch),\(share.images),\(field(share.mean)),\(field(share.ci95Low)),\(field(share.ci95High)),\(share.degenerateMaps)"
    }

    // Flat, with the same names as the CSV columns, so summary.json and cam_share.csv read alike.
    private enum CodingKeys: String, CodingKey {
        case step, epoch, images, mean = "foreground_share_mean", low = "ci95_low", high = "ci95_high", degenerate = "degenerate_maps"
    }

    /// Reads the flat form that `encode(to:)` writes; a missing or null mean or interval end reads as nil.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        step = try c.decode(Int.self, forKey: .step)
        epoch = try c.decode(Double.self, forKey: .epoch)
        share = ForegroundShare(images: try c.decode(Int.self, forKey: .images), mean: try c.decodeIfPresent(Double.self, forKey: .mean),
                                ci95Low: try c.decodeIfPresent(Double.self, forKey: .low), ci95High: try c.decodeIfPresent(Double.self, forKey: .high),
                                degenerateMaps: try c.decode(Int.self, forKey: .degenerate))
    }

    /// Writes the observation flat, keyed by the CSV column names (`step`, `epoch`, `images`,
    /// `foreground_share_mean`, `ci95_low`, `ci95_high`, `degenerate_maps`); a missing value is written as null.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(step, forKey: .step)
        try c.encode(epoch, forKey: .epoch)
        try c.encode(share.images, forKey: .images)
        try c.encode(share.mean, forKey: .mean)
        try c.encode(share.ci95Low, forKey: .low)
        try c.encode(share.ci95High, forKey: .high)
        try c.encode(share.degenerateMaps, forKey: .degenerate)
    }
}

/// The foreground share measured while training: every `every` steps (0: only at step 0 and epoch ends) on the
/// first `images` test images, foreground meaning input above `threshold`.
///
/// The settings are kept with the observations, so a resumed run can refuse to continue a series measured
/// differently (mixing them would make the curve compare unlike things).
public struct ForegroundShareSeries: Codable, Sendable, Equatable {
    /// Steps between measurements; 0 measures only at step 0 and at epoch ends. Saved as `every_steps`.
    public var every: Int
    /// Number of images each share is computed on (the first ones of the observer's set).
    public var images: Int
    /// The foreground threshold: a pixel is foreground when its input intensity is above it.
    public var threshold: Double
    /// The measurements so far, in training order.
    public var observations: [ForegroundShareObservation]

    /// A series with these settings and `observations` (none by default).
    public init(every: Int, images: Int, threshold: Double, observations: [ForegroundShareObservation] = []) {
        self.every = every
        self.images = images
        self.threshold = threshold
        self.observations = observations
    }

    /// `cam_share.csv`.
    public var csv: String {
        ([ForegroundShareObservation.csvHeader] + observations.map(\.csvRow)).joined(separator: "\n") + "\n"
    }

    private enum CodingKeys: String, CodingKey {
        case every = "every_steps", images, threshold, observations
    }
}

/// What `TrainingRun.train` measures as it goes: the foreground share on `images` (the first `count` of them),
/// at step 0, every `every` steps and at each epoch end, appended to `TrainingRun.camShare`.
public struct ForegroundShareObserver: Sendable {
    /// Steps between measurements; 0 measures only at step 0 and at epoch ends.
    public var every: Int
    /// The images explained (already cut to the first `count`).
    public var images: ImageSet
    /// The foreground threshold on input intensity (converted to Float32 for each measurement).
    public var threshold: Double

    /// An observer of the first `count` images of `images` (all of them if there are fewer). Throws if `every` is
    /// negative, `count` is below 1 or `threshold` is not finite.
    public init(every: Int, images: ImageSet, count: Int, threshold: Double) throws(InvalidInput) {
        guard every >= 0 else { throw InvalidInput("the observation interval must be 0 (epoch ends only) or positive, got \(every)") }
        guard count >= 1 else { throw InvalidInput("the foreground share needs at least 1 image, got \(count)") }
        guard threshold.isFinite else { throw InvalidInput("the foreground threshold must be finite, got \(threshold)") }
        self.every = every
        self.images = images.prefix(count)
        self.threshold = threshold
    }

    /// An empty series with these settings.
    var emptySeries: ForegroundShareSeries { ForegroundShareSeries(every: every, images: images.count, threshold: threshold) }

    func measure(_ network: Network) throws(InvalidInput) -> ForegroundShare {
        try ForegroundShare.measure(network: network, images: images, threshold: Float(threshold))
    }
}
