/// Maps a value in 0...1 to a color for heat maps.
///
/// `viridis` rises monotonically in lightness from dark purple to yellow, so equal value steps look like equal
/// steps, it survives grayscale printing, and it is readable with the common color-vision deficiencies. Use it for
/// magnitudes (losses, rates, Grad-CAM saliency). `diverging` runs blue – near-white – red with matched lightness on
/// both sides; use it for signed quantities where zero is special (the renderer centers its range on zero). `grays`
/// is for figures that will only ever be printed in black and white.
///
/// The anchors are a handful of published colors of each map, interpolated linearly in sRGB; with this many anchors
/// the result is visually indistinguishable from the full tables.
public enum ColorMap: String, Sendable, Codable, CaseIterable {
    /// The three maps: perceptually uniform viridis, blue–white–red diverging, and light-to-dark grays.
    case viridis, diverging, grays

    /// The color at t in 0...1 (clamped; a non-finite t gives the first anchor).
    public func color(at t: Double) -> Color {
        let anchors = self.anchors
        guard t.isFinite else { return anchors[0] }
        let u = min(max(t, 0), 1) * Double(anchors.count - 1)
        let i = min(Int(u), anchors.count - 2)
        return anchors[i].mixed(with: anchors[i + 1], amount: u - Double(i))
    }

    /// Whether the map's midpoint is meaningful (zero for signed data).
    public var isDiverging: Bool { self == .diverging }

    private var anchors: [Color] {
        switch self {
        case .viridis: return Self.viridisAnchors
        case .diverging: return Self.divergingAnchors
        case .grays: return Self.grayAnchors
        }
    }

    private static let viridisAnchors = [
        "#440154", "#472d7b", "#3b528b", "#2c728e", "#21918c", "#28ae80", "#5ec962", "#addc30", "#fde725",
    ].map(Color.init(hex:))

    private static let divergingAnchors = [
        "#2166ac", "#4393c3", "#92c5de", "#d1e5f0", "#f7f7f7", "#fddbc7", "#f4a582", "#d6604d", "#b2182b",
    ].map(Color.init(hex:))

    private static let grayAnchors = ["#f7f7f7", "#252525"].map(Color.init(hex:))
}
