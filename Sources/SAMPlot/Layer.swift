/// One drawable thing in a panel. Layers are drawn in a fixed order whatever order they are added in: heat maps,
/// shaded intervals, grid, reference lines, lines, scatter points, trajectories, annotations. So bands never hide a
/// curve and a grid never crosses a heat map.
///
/// In JSON a layer is an object with a single key naming its kind: `{"line": {...}}`.
public enum Layer: Sendable, Equatable {
    /// A line series.
    case line(LineSeries)
    /// Scatter points.
    case scatter(ScatterSeries)
    /// A 2-D trajectory with direction arrows.
    case trajectory(Trajectory2D)
    /// A shaded band or interval.
    case interval(ShadedInterval)
    /// A horizontal or vertical reference line.
    case reference(ReferenceLine)
    /// A heat map.
    case heatMap(HeatMap)
    /// A text annotation.
    case text(TextAnnotation)

    /// Legend text, if any.
    var label: String? {
        switch self {
        case let .line(s): return s.label
        case let .scatter(s): return s.label
        case let .trajectory(s): return s.label
        case let .interval(s): return s.label
        case let .reference(s): return s.label
        case let .heatMap(s): return s.label
        case let .text(s): return s.text
        }
    }
}

extension Layer: Codable {
    private enum Kind: String, CodingKey, CaseIterable {
        case line, scatter, trajectory, interval, reference, heatMap, text
    }

    /// Reads an object with exactly one key naming the kind.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Kind.self)
        guard container.allKeys.count == 1, let kind = container.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "a layer needs exactly one of: " + Kind.allCases.map(\.rawValue).joined(separator: ", ")))
        }
        switch kind {
        case .line: self = .line(try container.decode(LineSeries.self, forKey: kind))
        case .scatter: self = .scatter(try container.decode(ScatterSeries.self, forKey: kind))
        case .trajectory: self = .trajectory(try container.decode(Trajectory2D.self, forKey: kind))
        case .interval: self = .interval(try container.decode(ShadedInterval.self, forKey: kind))
        case .reference: self = .reference(try container.decode(ReferenceLine.self, forKey: kind))
        case .heatMap: self = .heatMap(try container.decode(HeatMap.self, forKey: kind))
        case .text: self = .text(try container.decode(TextAnnotation.self, forKey: kind))
        }
    }

    /// Writes an object with one key naming the kind.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Kind.self)
        switch self {
        case let .line(v): try container.encode(v, forKey: .line)
        case let .scatter(v): try container.encode(v, forKey: .scatter)
        case let .trajectory(v): try container.encode(v, forKey: .trajectory)
        case let .interval(v): try container.encode(v, forKey: .interval)
        case let .reference(v): try container.encode(v, forKey: .reference)
        case let .heatMap(v): try container.encode(v, forKey: .heatMap)
        case let .text(v): try container.encode(v, forKey: .text)
        }
    }
}

/// Anything that can be added to a panel with `Panel.add(_:)`.
public protocol PanelLayer: Sendable {
    /// The layer to add.
    var layer: Layer { get }
}

extension LineSeries: PanelLayer { public var layer: Layer { .line(self) } }
extension ScatterSeries: PanelLayer { public var layer: Layer { .scatter(self) } }
extension Trajectory2D: PanelLayer { public var layer: Layer { .trajectory(self) } }
extension ShadedInterval: PanelLayer { public var layer: Layer { .interval(self) } }
extension ReferenceLine: PanelLayer { public var layer: Layer { .reference(self) } }
extension HeatMap: PanelLayer { public var layer: Layer { .heatMap(self) } }
extension TextAnnotation: PanelLayer { public var layer: Layer { .text(self) } }
extension Layer: PanelLayer { public var layer: Layer { self } }
