import Foundation
import Testing
@testable import SAMCore

/// The CSV reader as it was before the byte-level parser (whole-file String, a String per field, `Double(String)`),
/// kept here as the reference the streaming parser must agree with, value for value and error for error.
enum ReferenceCSV {
    /// The old `CSVDataset.read` on a file's bytes.
    static func read(_ data: Data, origin: DataOrigin, labels kind: LabelKind = .classes) throws(DataError) -> Dataset {
        guard let text = String(data: data, encoding: .utf8) else {
            throw .malformed(origin: origin, line: nil, detail: "not UTF-8 text")
        }
        return try parse(text, origin: origin, labels: kind)
    }

    /// The old `CSVDataset.parse`.
    static func parse(_ text: String, origin: DataOrigin, labels kind: LabelKind = .classes) throws(DataError) -> Dataset {
        func fail(_ line: Int?, _ detail: String) -> DataError { .malformed(origin: origin, line: line, detail: detail) }
        let body = text.hasPrefix("\u{FEFF}") ? text.dropFirst() : Substring(text)
        var lines = body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).enumerated().map {
            (number: $0.offset + 1, text: $0.element.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        lines.removeAll { $0.text.isEmpty }
        guard let header = lines.first else { throw fail(nil, "the file is empty") }
        let columns = header.text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let d = columns.count - 1
        guard d >= 1 else { throw fail(header.number, "the header must be x1,...,xd,y (at least one feature and the label)") }
        for (j, name) in columns.enumerated() {
            let expected = j < d ? "x\(j + 1)" : "y"
            guard name.lowercased() == expected else {
                throw fail(header.number, "header column \(j + 1) is '\(name)', expected '\(expected)' (header x1,...,xd,y)")
            }
        }
        var points = [[Double]](), labels = [Double]()
        for line in lines.dropFirst() {
            let fields = line.text.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == d + 1 else { throw fail(line.number, "expected \(d + 1) fields, found \(fields.count)") }
            var x = [Double]()
            for (j, field) in fields.enumerated() {
                let token = field.trimmingCharacters(in: .whitespaces)
                guard let value = Double(token) else { throw fail(line.number, "'\(token)' in column \(columns[j]) is not a number") }
                guard value.isFinite else { throw fail(line.number, "non-finite value '\(token)' in column \(columns[j])") }
                if j < d { x.append(value) } else {
                    guard kind == .real || value == 1 || value == -1 else {
                        throw fail(line.number, "label '\(token)' must be +1 or -1 (real-valued labels need the squared loss)")
                    }
                    labels.append(value)
                }
            }
            points.append(x)
        }
        guard !points.isEmpty else { throw fail(nil, "no data rows after the header") }
        return try Dataset(points: points, labels: labels, origin: origin, labelKind: kind)
    }
}

@Suite struct CSVStreamTests {
    /// A dataset or an error, comparable bit for bit (so that -0 and 0 differ).
    enum Outcome: Equatable {
        case data([[UInt64]], [UInt64])
        case error(String)

        init(_ body: () throws(DataError) -> Dataset) {
            do {
                let d = try body()
                self = .data(d.points.map { $0.map(\.bitPattern) }, d.labels.map(\.bitPattern))
            } catch {
                self = .error(error.description)
            }
        }
    }

    /// The streaming parser fed `bytes` in chunks of `chunk` bytes.
    static func stream(_ bytes: [UInt8], chunk: Int, kind: LabelKind = .classes) throws(DataError) -> Dataset {
        var parser = CSVStreamParser(origin: .file("f.csv"), kind: kind, byteOrderMarks: 2)
        var i = 0
        while i < bytes.count {
            let end = min(bytes.count, i + chunk)
            try Array(bytes[i..<end]).withUnsafeBufferPointer { b throws(DataError) in try parser.feed(b) }
            i = end
        }
        return try parser.finish()
    }

    /// New and old agree on `bytes`, fed whole and in chunks of 1, 2, 3 and 7 bytes.
    static func agree(_ bytes: [UInt8], kind: LabelKind = .classes, sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = Outcome { () throws(DataError) in try ReferenceCSV.read(Data(bytes), origin: .file("f.csv"), labels: kind) }
        for chunk in [1, 2, 3, 7, max(bytes.count, 1)] {
            let got = Outcome { () throws(DataError) in try stream(bytes, chunk: chunk, kind: kind) }
            #expect(got == expected, "chunk \(chunk): \(String(decoding: bytes, as: UTF8.self).debugDescription)", sourceLocation: sourceLocation)
        }
    }

    /// `DecimalParser.parse` against `Double(String)`, bit for bit (nil for nil).
    static func expectAgreement(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let got = Array(text.utf8).withUnsafeBufferPointer { DecimalParser.parse($0) }
        let expected = Double(text)
        #expect(got?.bitPattern == expected?.bitPattern,
                "\(text.debugDescription): \(String(describing: got)) vs \(String(describing: expected))", sourceLocation: sourceLocation)
    }

    @Test func decimalParserGivesDoubleStringsValueOnEdgeCases() {
        let cases = ["0", "-0", "+0", "-0.0", "0.0e5", "0e99999", "1", "-1", "+1", "+1.5e+3", "1.5", "0.1", "0.3", "4.35", "123.456e-7",
                     "1e22", "1e23", "-1e-22", "1e-23", "9007199254740992", "9007199254740993", "9007199254740995",
                     "18446744073709551615", "1234567890123456789", "12345678901234567890", "0.00000000000000000000123",
                     "3.141592653589793238462643383279502884197", "2.2250738585072011e-308", "2.2250738585072014e-308",
                     "2.2250738585072012e-308", "2.225073858507201136057409796709131975934819546351645648e-308",
                     "4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324", "5e-324", "2e-324",
                     "1e-400", "-1e-400", "1e-342", "1e-343", "9.999999999999999999e-343", "1.7976931348623157e308",
                     "1.7976931348623158e308", "1.7976931348623159e308", "8.988465674311579e307", "1e308", "1e309", "1e400",
                     "1E5", "1e+5", "1e-5", "1e", "1e+", "e5", ".5", "5.", "-.5", "--1", "+-1", "1.2.3", "0x1p3", "0x1.8p1",
                     "inf", "-inf", "infinity", "nan", "NaN", "nan(123)", "1_000", "", " 1", "1 ", "\t1", "1\n", "1,0", "\"1\"",
                     "١", "00001.5000", "0.000", "1e0022", "1e-0022", "1e00022", "7e-10", "1.0000000000000002", "0.1e1", "10e-1",
                     "100000000000000000000000e-23", "9223372036854775807", "9223372036854775808e-19", "1.1e-4", "7.3177701707893310e+15"]
        for text in cases { Self.expectAgreement(text) }
    }

    @Test func decimalParserGivesDoubleStringsValueOnRandomText() {
        var rng = SplitMix64(seed: 17)
        for _ in 0..<20_000 {
            // Random digit strings (1 to 20 digits, a decimal point anywhere) with exponents across the whole range.
            let digits = Int(rng.next() % 20) + 1, point = Int(rng.next() % UInt64(digits + 1))
            var text = ["", "-", "+"][Int(rng.next() % 3)]
            for k in 0..<digits {
                if k == point && k > 0 { text += "." }
                text += String(rng.next() % 10)
            }
            if rng.next() % 4 != 0 { text += ["e", "E"][Int(rng.next() % 2)] + "\(Int(rng.next() % 720) - 360)" }
            Self.expectAgreement(text)
            // Random Doubles (all bit patterns: subnormals, huge, tiny) as Swift prints them and with 15 to 19 digits.
            let x = Double(bitPattern: rng.next())
            if x.isFinite {
                Self.expectAgreement("\(x)")
                Self.expectAgreement(String(format: "%.\(14 + Int(rng.next() % 5))e", x))
            }
            let subnormal = Double(bitPattern: rng.next() % 0x0020_0000_0000_0000)
            Self.expectAgreement(String(format: "%.\(Int(rng.next() % 19))e", subnormal))
        }
    }

    @Test func decimalParserRoundsExactHalfwayCasesToEven() {
        // Integers exactly halfway between two Doubles in [2^53, 2^64), written with up to 4 decimals (w x 10^-k, the
        // only exponents where an exact tie fits in 19 digits), and their neighbours one unit of the last digit away.
        var rng = SplitMix64(seed: 3)
        let fives: [UInt64] = [1, 5, 25, 125, 625]
        for _ in 0..<5000 {
            let e = Int(rng.next() % 11)
            let base = (UInt64(1) << (53 + e)) | (rng.next() & ((UInt64(1) << (53 + e)) - 1))
            let half = ((base >> (e + 1)) << (e + 1)) | (UInt64(1) << e)
            let k = Int(rng.next() % 5)
            let (scaled, overflow) = half.multipliedReportingOverflow(by: fives[k])
            guard !overflow else { Self.expectAgreement("\(half)"); continue }
            for w in [scaled - 1, scaled, scaled + 1] {
                var text = String(w)
                if k > 0 { text.insert(".", at: text.index(text.endIndex, offsetBy: -k)) }
                Self.expectAgreement(text)
                Self.expectAgreement("\(w)e-\(k)")
            }
        }
    }

    @Test func typicalNumbersTakeTheFastPaths() {
        // Swift's shortest 17-digit spellings are beyond Clinger's 2^53 but within Eisel-Lemire: none needs Double(String).
        var rng = SplitMix64(seed: 8)
        for _ in 0..<1000 {
            let text = "\(0.5 + 1.5 * Double(rng.next() >> 11) / Double(1 << 53))"
            #expect(Array(text.utf8).withUnsafeBufferPointer { DecimalParser.fastPath($0) } != nil, "\(text)")
        }
        for text in ["0x1p3", " 1", ".5", "inf", "12345678901234567890"] {
            #expect(Array(text.utf8).withUnsafeBufferPointer { DecimalParser.fastPath($0) } == nil, "\(text)")
        }
    }

    @Test func streamAgreesWithTheStringParserOnHardFiles() {
        let files: [String] = [
            "x1,x2,y\n1,2,1\n-1,-2.5,-1\n\n", "", "\n\n", "x1,x2,y\n", "x1,x2,y\n1,2\n", "x1,x2,y\n1,2,0\n",
            "x1,x2,y\n1,nan,1\n", "x1,x2,y\n1,inf,1\n", "x1,x2,y\n1,abc,1\n", "a,b,y\n1,2,1\n", "x1,x2,y\n1,2,1\n3,4,5,1\n",
            "x1,x2,y\r\n1,2,1\r\n-1,-3,-1\r\n", "x1,x2,y\r1,2,1\r-1,-3,-1", "x1,x2,y\r\n\r\n1,2,1\n\r-1,-3,-1\r\n",
            "\u{FEFF}x1,x2,y\n1,2,1\n", "\u{FEFF}\u{FEFF}x1,x2,y\n1,2,1\n", "\u{FEFF}\nx1,x2,y\n1,2,1\n",
            "  x1 ,\tx2\t, y \n  1 , 2 ,1\t\n", "\u{0B}x1,x2,y\u{0C}\n\u{0B}1,2,1\u{0C}\n", "x1,x2,y\n1,\u{0B}2,1\n",
            "X1,x2,Y\n1,e,1\n", "X1,x2,Y\n1,2,5\n", "x1,X2,y\n1,zz,1\n", "x1,x2\n1,1\n", "y\n1\n", "x1,y,y\n1,2,1\n",
            "x1,x3,y\n1,2,1\n", "x1,x2,z\n1,2,1\n", "x01,y\n1,1\n", "x1,x2,y\n1,2,1,\n", "x1,x2,y\n,,\n", "x1,x2,y\n , ,\n",
            "x1,x2,y\n-0,0.0,1\n", "x1,x2,y\n4.9406564584124654e-324,2.2250738585072011e-308,-1\n",
            "x1,x2,y\n3.141592653589793238462643383279502884197,1e23,1\n", "x1,x2,y\n1e400,1,1\n", "x1,x2,y\n1e-400,1,1\n",
            "x1,x2,y\n\u{00A0}1\u{00A0},2\u{2003},1\n", "x1,x2,y\n1,2,1\u{2028}\n", "x1,x2,y\n\u{0085}1,2,1\n", "x1,x2,y\n1,\u{0085}2,1\n",
            "x1,x2,y\n1,2,1\n1,2\n1,2,x\n", "x1,x2,y\n1,abc\n", "x1,x2,y\n1,2,1\n\n\n", "x1,x2,y\n1,2,1", "x1,x2,y\n1,2,",
            "x1,x2,y\n0x10,2,1\n", "x1,x2,y\n.5,5.,1\n", "x1,x2,y\n1,2,+1\n", "x1,x2,y\n1,2,1.0\n", "x1,x2,y\n1,2,-1e0\n",
            "x1,é,y\n1,2,1\n", "x1,x2,y\n1,é,1\n", "x1, x2 ,y\n1,2,1\n", "x1,x2,y\n1;2,1\n",
            "x1,x2,y\n\"1\",2,1\n", "\"x1\",x2,y\n1,2,1\n", "x1,x2,y\n1e5000,2,1\n", "x1,x2,y\n+1.5E+3,-2.25e-3,+1\n",
        ]
        for file in files { Self.agree(Array(file.utf8)) }
        Self.agree(Array("x1,y\n1.5,2.25\n-3,1e-3\n".utf8), kind: .real)
        Self.agree(Array("x1,y\n1.5,inf\n".utf8), kind: .real)
        // Not UTF-8: the whole file's error, even when an earlier line is wrong too.
        for bad: [UInt8] in [[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xC0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80]] {
            Self.agree(Array("x1,x2,y\n1,2,1\n".utf8) + bad + Array(",2,1\n".utf8))
            Self.agree(Array("x1,x2,y\n1,q,1\n1,2,1\n".utf8) + bad)
            Self.agree(bad + Array("x1,x2,y\n1,2,1\n".utf8))
        }
    }

    @Test func streamAgreesOnRandomFiles() {
        var rng = SplitMix64(seed: 2026)
        let pieces = ["1", "-2.5", "0.1", "1e-300", "-0", "7.0000000000000000001", " 3 ", "\t4", "x", "", "nan", "1e999", "+1", "-1",
                      "2.2250738585072011e-308", "123456789012345678901", ".5"]
        for _ in 0..<300 {
            let d = Int(rng.next() % 4) + 1, n = Int(rng.next() % 4)
            var text = (1...d).map { "x\($0)" }.joined(separator: ",") + ",y"
            for _ in 0..<n {
                let breakSpelling = ["\n", "\r\n", "\r", "\n\n"][Int(rng.next() % 4)]
                var fields = (0..<d).map { _ in rng.next() % 5 == 0 ? pieces[Int(rng.next() % UInt64(pieces.count))] : String(Double(Int(rng.next() % 2001) - 1000) / 8) }
                fields.append(rng.next() % 6 == 0 ? "0" : (rng.next() % 2 == 0 ? "1" : "-1"))
                if rng.next() % 10 == 0 { fields.removeLast() }
                if rng.next() % 10 == 0 { fields.append("1") }
                text += breakSpelling + fields.joined(separator: ",")
            }
            if rng.next() % 2 == 0 { text += "\n" }
            Self.agree(Array(text.utf8))
        }
    }

    @Test func readStreamsAFileAndKeepsItsErrors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("csvstream-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A row longer than the 1 MiB chunk: fields cross chunk boundaries.
        let d = 150_000
        var rng = SplitMix64(seed: 5)
        let values = (0..<d).map { _ in Double(rng.next() >> 11) / Double(1 << 53) * 4 - 2 }
        let text = (1...d).map { "x\($0)" }.joined(separator: ",") + ",y\n" + values.map { "\($0)" }.joined(separator: ",") + ",-1\n"
        let path = dir + "/wide.csv"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let dataset = try CSVDataset.read(path: path)
        #expect(dataset.points[0].map(\.bitPattern) == values.map(\.bitPattern))
        #expect(dataset.labels == [-1])
        #expect(errorMessage { _ = try CSVDataset.read(path: dir + "/missing.csv") } == "\(dir)/missing.csv: cannot read the file (no such file)")
        #expect(errorMessage { _ = try CSVDataset.read(path: dir) } == "\(dir): cannot read the file (it is a directory)")
        try Data("x1,y\n1,1\n2,q\n".utf8).write(to: URL(fileURLWithPath: dir + "/bad.csv"))
        #expect(errorMessage { _ = try CSVDataset.read(path: dir + "/bad.csv") } == "\(dir)/bad.csv:3: 'q' in column y is not a number")
    }
}
