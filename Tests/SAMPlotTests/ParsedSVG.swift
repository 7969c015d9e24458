import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An SVG document read back with Foundation's XMLParser: proof that it is well-formed, and its elements for
/// counting (by tag and class).
struct ParsedSVG {
    struct Element {
        var name: String
        var attributes: [String: String]
        var text: String
    }

    var elements: [Element] = []
    var error: String?

    init(_ svg: String) {
        let delegate = Collector()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = delegate
        if !parser.parse() {
            error = parser.parserError.map { "\($0)" } ?? "parse failed"
        }
        elements = delegate.elements
    }

    var isWellFormed: Bool { error == nil }

    /// Elements with this tag whose class list contains `cls` (any class when nil).
    func count(_ name: String, class cls: String? = nil) -> Int { all(name, class: cls).count }

    func all(_ name: String, class cls: String? = nil) -> [Element] {
        elements.filter { e in
            e.name == name && (cls == nil || (e.attributes["class"] ?? "").split(separator: " ").contains { $0 == cls! })
        }
    }

    func texts(class cls: String) -> [String] { all("text", class: cls).map(\.text) }

    private final class Collector: NSObject, XMLParserDelegate {
        var elements: [Element] = []
        var open: [Int] = []

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
            elements.append(Element(name: elementName, attributes: attributeDict, text: ""))
            open.append(elements.count - 1)
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?) {
            open.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            // Text of a tspan belongs to its text element too, so a typeset label reads as its characters.
            for i in open { elements[i].text += string }
        }
    }
}
