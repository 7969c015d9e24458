/// One axis of a panel: what it is called, how values are spaced, and which range it shows.
///
/// By default the range follows the data (of all layers, in scale space) with a little padding so no point sits on
/// the frame; heat maps switch the padding off so cells meet the frame. Give `domain` to fix the range, e.g. to
/// compare panels or to zoom; data outside it is clipped at the frame, never drawn over the labels.
public struct Axis: Sendable, Codable, Equatable {
    /// The axis title; nil for none.
    public var label: String?
    /// Linear or log10 spacing.
    public var scale: Scale
    /// A fixed range in data units. On a log axis its lower end must be positive, or it is ignored (with a warning).
    public var domain: ClosedRange<Double>?
    /// Fraction of the data span added at each end (scale space); nil means 0.04, or 0 when the panel has a heat map.
    public var padding: Double?
    /// On a log axis following the data, show at most this many decades below the data's top (and above its bottom
    /// for `maxDecadesFromBottom`): a run that collapses to 1e-60 or a clock that runs to 1e200 would otherwise squeeze
    /// the informative part into a few pixels. Data beyond is clipped at the frame. Nil: the whole data range.
    public var maxDecades: Double?
    /// Which end `maxDecades` keeps: the top (true, the default: a collapse runs off the bottom) or the bottom.
    public var keepsTop: Bool?
    /// Labeled ticks at exactly these values (those in range), e.g. the grid of a sweep whose ends the automatic
    /// 1-2-5 ticks would miss (η = 0.0025); nil for automatic ticks. Minor ticks stay automatic.
    public var ticks: [Double]?
    /// Values grow right-to-left (x) or top-to-bottom (y), as for image rows in a Grad-CAM map.
    public var reversed: Bool
    /// No ticks, tick labels or title, and no room kept for them (an image's pixel axes); nil means false.
    public var hidden: Bool?

    /// Whether the axis draws nothing but the frame (`hidden`).
    public var isHidden: Bool { hidden ?? false }

    /// An axis with the given title, scale, fixed range, padding, direction, decade limit, ticks and visibility.
    public init(_ label: String? = nil, scale: Scale = .linear, domain: ClosedRange<Double>? = nil,
                padding: Double? = nil, reversed: Bool = false, maxDecades: Double? = nil, keepsTop: Bool? = nil,
                ticks: [Double]? = nil, hidden: Bool = false) {
        self.hidden = hidden ? true : nil
        self.ticks = ticks
        self.maxDecades = maxDecades
        self.keepsTop = keepsTop
        self.label = label
        self.scale = scale
        self.domain = domain
        self.padding = padding
        self.reversed = reversed
    }

    /// A log10 axis.
    public static func log(_ label: String? = nil, domain: ClosedRange<Double>? = nil) -> Axis {
        Axis(label, scale: .log10, domain: domain)
    }

    /// A linear axis over exactly `domain`, drawn as the frame alone (`hidden`): the pixel axes of an image.
    public static func hidden(domain: ClosedRange<Double>, reversed: Bool = false) -> Axis {
        Axis(nil, domain: domain, padding: 0, reversed: reversed, hidden: true)
    }
}
