import Foundation

/// A float64 array in NumPy's `.npy` format, version 1.0: the magic `\x93NUMPY`, the version bytes 1 0, a
/// little-endian UInt16 header length, an ASCII header `{'descr': '<f8', 'fortran_order': False, 'shape': (...), }`
/// padded with spaces to a multiple of 64 bytes and ended by a newline, then the values, little-endian, in C order
/// (the last index fastest). Format: numpy.org/doc/stable/reference/generated/numpy.lib.format.html.
///
/// `numpy.load` reads what `data` writes; `init(data:source:)` reads the same kind back (1-D or 2-D `<f8`, C order),
/// so that long vectors can live beside a summary instead of inside it.
public struct NPYArray: Equatable, Sendable {
    /// The shape: `[n]` for a vector, `[rows, columns]` for a matrix.
    public var shape: [Int]
    /// The values in C order (`shape.reduce(1, *)` of them).
    public var values: [Double]

    /// An array of `shape` holding `values` in C order (their count must be the product of the shape).
    public init(shape: [Int], values: [Double]) {
        precondition(shape.reduce(1, *) == values.count, "NPYArray: \(values.count) values do not fill the shape \(shape)")
        self.shape = shape
        self.values = values
    }

    /// A vector of shape (n,).
    public init(vector: [Double]) { self.init(shape: [vector.count], values: vector) }

    /// The header bytes (magic, version, length, padded dictionary) of a `<f8` array of `shape`.
    public static func header(shape: [Int]) -> Data {
        let dims = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var dictionary = "{'descr': '<f8', 'fortran_order': False, 'shape': \(dims), }"
        let total = 10 + dictionary.utf8.count + 1
        dictionary += String(repeating: " ", count: (64 - total % 64) % 64) + "\n"
        var data = Data([0x93]) + Data("NUMPY".utf8) + Data([1, 0])
        let length = UInt16(dictionary.utf8.count)
        data += Data([UInt8(length & 0xFF), UInt8(length >> 8)]) + Data(dictionary.utf8)
        return data
    }

    /// The file's bytes: the header, then the values as little-endian float64.
    public var data: Data {
        var out = Self.header(shape: shape)
        out.reserveCapacity(out.count + 8 * values.count)
        values.withUnsafeBufferPointer { buffer in
            #if _endian(little)
            out.append(UnsafeBufferPointer(start: UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: UInt8.self),
                                           count: 8 * buffer.count))
            #else
            for v in buffer { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
            #endif
        }
        return out
    }

    /// Writes the file's bytes (those of `data`) to `path`: the header, then the values straight from their array,
    /// without joining them into one buffer first (at d = 10^6 that buffer would be 8 to 16 MB at the peak of
    /// writing a run folder).
    public func write(to path: String) throws(FileError) {
        let header = Self.header(shape: shape)
        #if _endian(little)
        var failure: FileError?
        header.withUnsafeBytes { head in
            values.withUnsafeBytes { body in
                do throws(FileError) { try AtomicFile.writeDirectly(parts: [head, body], to: path) } catch { failure = error }
            }
        }
        if let failure { throw failure }
        #else
        try AtomicFile.writeDirectly(data, to: path)
        #endif
    }

    /// Whether `data` starts with the `.npy` magic.
    public static func isNPY(_ data: Data) -> Bool {
        data.count >= 6 && data.prefix(6).elementsEqual([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59])
    }

    /// Reads an `.npy` file's bytes: version 1.0 or 2.0, `<f8` (or `<d`), C order, 1-D or 2-D. Anything else is one
    /// line naming `source` and what is wrong.
    public init(data: Data, source: String) throws(InvalidInput) {
        func fail(_ detail: String) -> InvalidInput { InvalidInput("\(source): \(detail)") }
        // The bytes are read in place (a 10^6-vector's file is 8 MB), by offset from the start of `data`.
        let size = data.count
        func byte(_ i: Int) -> Int { Int(data[data.startIndex + i]) }
        guard Self.isNPY(data), size >= 10 else { throw fail("not an .npy file (no \\x93NUMPY magic)") }
        let major = byte(6)
        let length: Int, start: Int
        switch major {
        case 1:
            length = byte(8) | byte(9) << 8
            start = 10
        case 2, 3:
            guard size >= 12 else { throw fail("truncated .npy header") }
            length = byte(8) | byte(9) << 8 | byte(10) << 16 | byte(11) << 24
            start = 12
        default:
            throw fail(".npy format version \(major) is not supported (1.0, 2.0 or 3.0)")
        }
        guard size >= start + length else { throw fail("truncated .npy header") }
        let header = String(decoding: data[(data.startIndex + start)..<(data.startIndex + start + length)], as: UTF8.self)
        func entry(_ key: String) -> String? {
            guard let range = header.range(of: "'\(key)':") else { return nil }
            let rest = header[range.upperBound...].drop { $0 == " " }
            if rest.first == "(" { return rest.firstIndex(of: ")").map { String(rest[...$0]) } }
            return rest.firstIndex(where: { $0 == "," || $0 == "}" }).map { String(rest[..<$0]).trimmingCharacters(in: .whitespaces) }
        }
        guard let descr = entry("descr"), ["'<f8'", "'<d'", "'float64'"].contains(descr) else {
            throw fail("the array must be little-endian float64 ('<f8'), found \(entry("descr") ?? "no descr")")
        }
        guard entry("fortran_order") == "False" else { throw fail("the array must be in C order (fortran_order False)") }
        guard let shapeText = entry("shape") else { throw fail("the .npy header has no shape") }
        let dims = shapeText.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let shape = dims.compactMap { Int($0) }
        guard shape.count == dims.count, (1...2).contains(shape.count), shape.allSatisfy({ $0 >= 0 }) else {
            throw fail("the array must be 1-D or 2-D, found shape \(shapeText)")
        }
        let offset = start + length
        let count = shape.reduce(1) { product, n in
            let (value, overflow) = product.multipliedReportingOverflow(by: n)
            return overflow || value > size ? size + 1 : value
        }
        guard count <= size, size - offset == 8 * count else {
            throw fail("holds \(size - offset) bytes of values, expected \(count <= size ? "\(8 * count)" : "more") for shape \(shapeText)")
        }
        let values = [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            data.withUnsafeBytes { raw in
                for i in 0..<count {
                    buffer[i] = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 8 * i, as: UInt64.self)))
                }
            }
            initialized = count
        }
        self.init(shape: shape, values: values)
    }
}
