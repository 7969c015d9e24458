import Foundation
import Testing

/// The article "From the theory to the code" (Sources/SAMCore/SAMCore.docc/TheoryToCode.md) maps THEORY.md's formulas to
/// symbols and tests. These checks read the article and the sources as text (no documentation build), so they are
/// quick: every symbol it names is declared, every test it names exists in the file it names, every section it cites
/// is a section of THEORY.md, and every row has a test or says **no test**.
@Suite struct DocumentationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let articlePath = "Sources/SAMCore/SAMCore.docc/TheoryToCode.md"

    /// One table row of the article: its line number and its four cells (formula, section, symbols, tests).
    struct Row {
        var line: Int
        var cells: [String]
    }

    static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// The cells of every table row (header and separator rows left out); `\|` is a pipe inside a cell.
    static func rows() throws -> [Row] {
        var rows: [Row] = []
        for (index, line) in try text(articlePath).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("|"), !trimmed.hasPrefix("|---"), !trimmed.hasPrefix("| Formula") else { continue }
            var cells: [String] = [], current = "", previous: Character = " "
            for c in trimmed.dropFirst() {
                if c == "|" && previous != "\\" { cells.append(current.trimmingCharacters(in: .whitespaces)); current = "" } else { current.append(c) }
                previous = c
            }
            rows.append(Row(line: index + 1, cells: cells))
        }
        return rows
    }

    /// Code spans of a cell: (text, true) for ``double`` (a DocC link), (text, false) for `single`.
    static func codeSpans(_ cell: String) -> [(text: String, link: Bool)] {
        let regex = try! NSRegularExpression(pattern: "``([^`]+)``|`([^`]+)`")
        let ns = cell as NSString
        return regex.matches(in: cell, range: NSRange(location: 0, length: ns.length)).map { m in
            m.range(at: 1).location != NSNotFound ? (ns.substring(with: m.range(at: 1)), true) : (ns.substring(with: m.range(at: 2)), false)
        }
    }

    /// The Swift files under a folder of the repository, with their text.
    static func swiftFiles(under folder: String) -> [(path: String, text: String)] {
        let base = root.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { return [] }
        var files: [(String, String)] = []
        for case let url as URL in walker where url.pathExtension == "swift" {
            if let text = try? String(contentsOf: url, encoding: .utf8) { files.append((url.path, text)) }
        }
        return files
    }

    /// `name(a:_:b:)` as its base name and labels; a name without parentheses has labels nil.
    static func split(_ member: String) -> (name: String, labels: [String]?) {
        guard let open = member.firstIndex(of: "("), member.hasSuffix(")") else { return (member, nil) }
        let inside = member[member.index(after: open)..<member.index(before: member.endIndex)]
        return (String(member[..<open]), inside.split(separator: ":", omittingEmptySubsequences: true).map(String.init))
    }

    /// The external labels of every declaration `keyword name(...)` (or `init(...)`) in `text`.
    static func parameterLabels(of name: String, in text: String) -> [[String]] {
        let keyword = name == "init" ? "(?:^|[^A-Za-z0-9_.])init[?!]?" : "\\b(?:func|case)\\s+\(NSRegularExpression.escapedPattern(for: name))"
        let regex = try! NSRegularExpression(pattern: keyword + "\\s*(?:<[^>]*>)?\\s*\\(", options: [.anchorsMatchLines])
        let chars = Array(text)
        let ns = text as NSString
        var out: [[String]] = []
        for m in regex.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            // Character offset of the opening parenthesis (the regex works in UTF-16; the prefix converts).
            var i = String(ns.substring(to: m.range.location + m.range.length)).count
            var depth = 1, parameters: [String] = [], current = ""
            while i < chars.count && depth > 0 {
                let c = chars[i]
                if "([<".contains(c) { depth += 1 }
                if ")]".contains(c) || (c == ">" && i > 0 && chars[i - 1] != "-") { depth -= 1 }
                if depth == 0 { break }
                if c == "," && depth == 1 { parameters.append(current); current = "" } else { current.append(c) }
                i += 1
            }
            if !current.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { parameters.append(current) }
            out.append(parameters.map { p in
                guard let colon = p.firstIndex(of: ":") else { return "_" }
                return p[..<colon].split(whereSeparator: \.isWhitespace).first.map(String.init) ?? "_"
            })
        }
        return out
    }

    /// Why `path` (components: types, then a member) is not declared in `module`, or nil when it is.
    static func missing(_ path: [String], module: String) -> String? {
        let files = swiftFiles(under: "Sources/\(module)")
        guard !files.isEmpty else { return "no module \(module)" }
        func declaring(_ type: String) -> [(path: String, text: String)] {
            let regex = try! NSRegularExpression(pattern: "\\b(struct|enum|class|protocol|extension|typealias|actor)\\s+\(type)\\b")
            return files.filter { regex.firstMatch(in: $0.text, range: NSRange(location: 0, length: ($0.text as NSString).length)) != nil }
        }
        var scope = files
        for type in path.dropLast() {
            scope = declaring(type)
            if scope.isEmpty { return "no type \(type) in \(module)" }
        }
        guard let last = path.last else { return "empty symbol" }
        let (name, labels) = split(last)
        if let labels {
            let found = scope.flatMap { parameterLabels(of: name, in: $0.text) }
            if found.isEmpty { return "no function, initializer or case \(name)(...) in \(module)" }
            return found.contains(labels) ? nil : "\(name)(\(labels.map { $0 + ":" }.joined())) has other labels: \(found)"
        }
        if path.count == 1 { return declaring(name).isEmpty ? "no type \(name) in \(module)" : nil }
        let member = try! NSRegularExpression(pattern: "\\b(var|let)\\s+\(name)\\b|\\bcase\\b[^\\n]*\\b\(name)\\b|\\b(struct|enum|class|protocol|typealias)\\s+\(name)\\b")
        let hit = scope.contains { member.firstMatch(in: $0.text, range: NSRange(location: 0, length: ($0.text as NSString).length)) != nil }
        return hit ? nil : "no property, case or type \(name) beside \(path.dropLast().joined(separator: "."))"
    }

    @Test func theArticleHasItsTables() throws {
        let rows = try Self.rows()
        #expect(rows.count >= 60, "the tables of TheoryToCode.md lost rows: \(rows.count)")
        for row in rows { #expect(row.cells.count == 4, "TheoryToCode.md:\(row.line) has \(row.cells.count) cells, not 4") }
    }

    /// Every ``link`` is a SAMCore symbol; every `Module.Type.member` a symbol of that module.
    @Test func everySymbolExists() throws {
        let modules = ["SAMCore", "SAMFlow", "SAMAnalysis", "SAMPlot", "SAMExperiments", "SAMVision"]
        for row in try Self.rows() where row.cells.count == 4 {
            let spans = Self.codeSpans(row.cells[2])
            #expect(!spans.isEmpty, "TheoryToCode.md:\(row.line) names no symbol")
            for span in spans {
                let path: [String], module: String
                if span.link {
                    (module, path) = ("SAMCore", span.text.split(separator: "/").map(String.init))
                } else {
                    let parts = span.text.split(separator: ".").map(String.init)
                    guard let first = parts.first, modules.contains(first), parts.count >= 2 else {
                        Issue.record("TheoryToCode.md:\(row.line): `\(span.text)` is neither a ``link`` nor Module.Type.member")
                        continue
                    }
                    (module, path) = (first, Array(parts.dropFirst()))
                }
                if let why = Self.missing(path, module: module) {
                    Issue.record("TheoryToCode.md:\(row.line): \(span.text): \(why)")
                }
            }
        }
    }

    /// Every test named exists, as `func name(labels)` in the file named before it; a row without a test says so.
    @Test func everyTestExists() throws {
        for row in try Self.rows() where row.cells.count == 4 {
            let cell = row.cells[3]
            var file: String?, named = 0
            for span in Self.codeSpans(cell) {
                if span.text.hasSuffix(".swift") {
                    #expect(span.text.hasPrefix("Tests/") && FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(span.text).path),
                            "TheoryToCode.md:\(row.line): no file \(span.text)")
                    file = span.text
                } else if span.text.hasSuffix(")") {
                    guard let file, let text = try? Self.text(file) else {
                        Issue.record("TheoryToCode.md:\(row.line): test \(span.text) without a readable file before it")
                        continue
                    }
                    let (name, labels) = Self.split(span.text)
                    let found = Self.parameterLabels(of: name, in: text)
                    #expect(found.contains(labels ?? []), "TheoryToCode.md:\(row.line): no func \(span.text) in \(file) (found \(found))")
                    named += 1
                } else {
                    Issue.record("TheoryToCode.md:\(row.line): `\(span.text)` in the test column is neither a file nor a test function")
                }
            }
            #expect(named > 0 || cell.contains("**no test**"), "TheoryToCode.md:\(row.line) names no test and does not say **no test**")
        }
    }

    /// Every section cited (§N.M) is a section of THEORY.md.
    @Test func everySectionExists() throws {
        let theory = try Self.text("THEORY.md")
        let headings = Set(theory.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("### ") else { return nil }
            return line.dropFirst(4).split(separator: " ").first.map(String.init)
        })
        for row in try Self.rows() where row.cells.count == 4 {
            for section in row.cells[1].split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                #expect(section.hasPrefix("§") && headings.contains(String(section.dropFirst())),
                        "TheoryToCode.md:\(row.line): THEORY.md has no section \(section)")
            }
        }
    }

    /// Every public top-level type of a library module is listed under "## Topics" of its catalog's landing page
    /// (Sources/M/M.docc/M.md), so the documentation site groups it with its kind instead of an unsorted "Structures"
    /// list, and the overview cannot silently fall behind the code; every type listed there exists.
    @Test(arguments: ["SAMCore", "SAMFlow", "SAMAnalysis", "SAMPlot", "SAMExperiments", "SAMVision"])
    func everyPublicTypeIsInItsTopics(module: String) throws {
        let page = try Self.text("Sources/\(module)/\(module).docc/\(module).md")
        let topics = try #require(page.range(of: "## Topics").map { String(page[$0.upperBound...]) }, "\(module).md has no Topics")
        let listed = Set(Self.codeSpans(topics).filter(\.link).map(\.text))
        let declaration = try NSRegularExpression(
            pattern: "^public\\s+(?:final\\s+)?(?:struct|enum|class|protocol|typealias|actor)\\s+([A-Za-z_][A-Za-z0-9_]*)",
            options: [.anchorsMatchLines])
        var declared = Set<String>()
        for file in Self.swiftFiles(under: "Sources/\(module)") {
            let ns = file.text as NSString
            for m in declaration.matches(in: file.text, range: NSRange(location: 0, length: ns.length)) {
                declared.insert(ns.substring(with: m.range(at: 1)))
            }
        }
        #expect(!declared.isEmpty, "no public types found in Sources/\(module)")
        let missing = declared.subtracting(listed).sorted()
        #expect(missing.isEmpty, "\(module).md's Topics do not list: \(missing.joined(separator: ", "))")
        let unknown = listed.filter { !$0.contains("/") && !$0.contains("(") && !declared.contains($0) }.sorted()
        #expect(unknown.isEmpty, "\(module).md's Topics list types that are not public types of \(module): \(unknown.joined(separator: ", "))")
    }
}
