/// A small label markup for sub- and superscripts, so labels can say `β_j`, `max_j |β_j − β_j(flow)|`, `x^2`,
/// `α_{c}` or `e^{−t}` and have them typeset.
///
/// `_` starts a subscript and `^` a superscript; the script is the next character, or a `{…}` group. `\_`, `\^`,
/// `\{`, `\}` and `\\` are the literal characters. A `_` or `^` with nothing after it is kept as it is, and an
/// unclosed group runs to the end, so any string is a valid label. Every text the renderer writes (titles, axis,
/// legend and color-bar labels, reference labels, annotations) goes through it; widths are estimated on the runs,
/// scripts at `scriptScale` of the font size. In SVG a script is a `tspan` with a smaller font size and a `dy`
/// shift (undone by the next run), which every SVG renderer supports; such a text element gets
/// `xml:space="preserve"`, since renderers trim spaces at tspan boundaries otherwise (librsvg does, and draws a
/// no-break space there with no width).
public enum Markup {
    /// Where a run sits relative to the baseline.
    public enum Position: Sendable, Equatable {
        /// On the baseline, lowered, raised.
        case normal, sub, sup
    }

    /// A piece of text at one position.
    public struct Run: Sendable, Equatable {
        /// The characters, markup removed.
        public var text: String
        /// Where they sit.
        public var position: Position
    }

    /// Scripts' font size relative to the text's.
    public static let scriptScale = 0.7
    /// Baseline shift of subscripts (down) and superscripts (up), in em of the text.
    static let subShift = 0.25
    static let supShift = 0.38

    /// The runs of `text` (adjacent runs at the same position are merged; empty runs are dropped).
    public static func runs(_ text: String) -> [Run] {
        guard text.contains(where: { $0 == "_" || $0 == "^" || $0 == "\\" }) else {
            return text.isEmpty ? [] : [Run(text: text, position: .normal)]
        }
        var out: [Run] = []
        func append(_ s: String, _ p: Position) {
            guard !s.isEmpty else { return }
            if let last = out.last, last.position == p { out[out.count - 1].text += s } else { out.append(Run(text: s, position: p)) }
        }
        let chars = Array(text)
        var i = 0
        var plain = ""
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count, "_^{}\\".contains(chars[i + 1]) {
                plain.append(chars[i + 1])
                i += 2
                continue
            }
            if (c == "_" || c == "^"), i + 1 < chars.count, chars[i + 1] != " " {
                append(plain, .normal)
                plain = ""
                let p: Position = c == "_" ? .sub : .sup
                if chars[i + 1] == "{" {
                    var j = i + 2, script = ""
                    while j < chars.count && chars[j] != "}" {
                        if chars[j] == "\\", j + 1 < chars.count { script.append(chars[j + 1]); j += 2; continue }
                        script.append(chars[j])
                        j += 1
                    }
                    append(script, p)
                    i = j + 1
                } else {
                    append(String(chars[i + 1]), p)
                    i += 2
                }
                continue
            }
            plain.append(c)
            i += 1
        }
        append(plain, .normal)
        return out
    }

    /// The text as it reads, markup removed (`β_j` gives "βj").
    public static func plain(_ text: String) -> String { runs(text).map(\.text).joined() }

    /// SVG content of a text element at `fontSize`: escaped characters, scripts as shifted `tspan`s.
    static func svgContent(_ text: String, fontSize: Double) -> String {
        let runs = runs(text)
        if runs.allSatisfy({ $0.position == .normal }) { return SVGWriter.escape(runs.map(\.text).joined()) }
        var out = ""
        var shift = 0.0  // current offset below the baseline, in points
        for run in runs {
            let target: Double
            switch run.position {
            case .normal: target = 0
            case .sub: target = subShift * fontSize
            case .sup: target = -supShift * fontSize
            }
            let dy = target - shift
            shift = target
            var attributes: SVGWriter.Attributes = []
            if abs(dy) > 1e-9 { attributes.append(("dy", SVGWriter.number(dy))) }
            if run.position != .normal { attributes.append(("font-size", SVGWriter.number(fontSize * scriptScale))) }
            if attributes.isEmpty {
                out += SVGWriter.escape(run.text)
            } else {
                out += "<tspan" + SVGWriter.attributeText(attributes) + ">" + SVGWriter.escape(run.text) + "</tspan>"
            }
        }
        return out
    }

    /// `text` cut to at most `count` visible characters (markup kept intact), for ellipsis fitting.
    static func prefix(_ text: String, visible count: Int) -> String {
        var out = "", left = count
        for run in runs(text) where left > 0 {
            let piece = String(run.text.prefix(left))
            left -= piece.count
            let escaped = piece.map { "_^{}\\".contains($0) ? "\\" + String($0) : String($0) }.joined()
            switch run.position {
            case .normal: out += escaped
            case .sub: out += "_{" + escaped + "}"
            case .sup: out += "^{" + escaped + "}"
            }
        }
        return out
    }
}
