import Foundation
import SAMCore

/// Reads the IDX files of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/), raw or gzip-compressed.
///
/// Why so strict: a truncated download silently gives a shorter data set or garbage pixels, and every result
/// downstream would be wrong without any error. So the magic number, the element type, the dimensions and the
/// exact file size are all checked, and each failure is a one-line `InvalidInput` naming the file.
///
/// Why `/bin/gzip`: Foundation on Linux has no gzip decoder and zlib is not a Swift module in this package, so a
/// `.gz` file (recognised by its 0x1f 0x8b signature, not by its name) is decompressed by `gzip -dc`.
public enum IDXReader {
    /// Magic number of an unsigned-byte 3-dimensional IDX file (images).
    public static let imagesMagic: UInt32 = 0x0000_0803
    /// Magic number of an unsigned-byte 1-dimensional IDX file (labels).
    public static let labelsMagic: UInt32 = 0x0000_0801

    /// An IDX array of unsigned bytes: its dimensions and its elements in row-major order.
    public struct Array: Sendable, Equatable {
        /// The dimension sizes, outermost first: count x rows x columns for images, count for labels.
        public var dimensions: [Int]
        /// The elements in row-major order, as many as the product of `dimensions`.
        public var bytes: [UInt8]
    }

    /// Reads an image file: `count x rows x columns` bytes.
    public static func readImages(_ path: String) throws(InvalidInput) -> Array {
        try read(path, magic: imagesMagic, what: "images")
    }

    /// Reads a label file: `count` bytes.
    public static func readLabels(_ path: String) throws(InvalidInput) -> Array {
        try read(path, magic: labelsMagic, what: "labels")
    }

    /// Reads the file (decompressing gzip) and parses it, checking the magic number against `magic`.
    public static func read(_ path: String, magic: UInt32, what: String) throws(InvalidInput) -> Array {
        let raw = try InputFile.read(path)
        let data = isGzip(raw) ? try gunzip(path) : raw
        return try parse(data, magic: magic, what: what, source: path)
    }

    /// Parses IDX bytes already in memory; `source` names the file in errors.
    public static func parse(_ data: Data, magic: UInt32, what: String, source: String) throws(InvalidInput) -> Array {
        let bytes = [UInt8](data)
        guard bytes.count >= 4 else {
            throw InvalidInput("\(source): truncated IDX file (\(bytes.count) bytes, no header)")
        }
        let found = readUInt32(bytes, at: 0)
        guard found == magic else {
            throw InvalidInput("\(source): not an IDX \(what) file (magic number 0x\(hex(found)), expected 0x\(hex(magic)))")
        }
        let rank = Int(magic & 0xFF)
        let header = 4 + 4 * rank
        guard bytes.count >= header else {
            throw InvalidInput("\(source): truncated IDX file (\(bytes.count) bytes, header needs \(header))")
        }
        var dimensions: [Int] = []
        var expected = 1
        for d in 0..<rank {
            let n = Int(readUInt32(bytes, at: 4 + 4 * d))
            guard n <= 1 << 28 else { throw InvalidInput("\(source): implausible IDX dimension \(n)") }
            dimensions.append(n)
            expected *= n
            guard expected <= 1 << 34 else { throw InvalidInput("\(source): implausible IDX size") }
        }
        let body = bytes.count - header
        guard body == expected else {
            let shape = dimensions.map(String.init).joined(separator: "x")
            let kind = body < expected ? "truncated" : "corrupt"
            throw InvalidInput("\(source): \(kind) IDX file (\(shape) needs \(expected) data bytes, found \(body))")
        }
        return Array(dimensions: dimensions, bytes: Swift.Array(bytes[header...]))
    }

    /// Encodes an IDX array (used by the tests to write small files; also handy for subsets).
    public static func encode(_ array: Array, magic: UInt32) -> Data {
        var out = Data()
        func put(_ v: UInt32) { out.append(contentsOf: [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]) }
        put(magic)
        for d in array.dimensions { put(UInt32(d)) }
        out.append(contentsOf: array.bytes)
        return out
    }

    static func isGzip(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B
    }

    /// Runs `/bin/gzip -dc path`; a non-zero exit (corrupt or truncated archive) is an error naming the file.
    static func gunzip(_ path: String) throws(InvalidInput) -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc", "--", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch {
            throw InvalidInput("\(path): cannot run /bin/gzip to decompress it (\(error))")
        }
        // Read before waiting: a full pipe would otherwise block gzip forever.
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw InvalidInput("\(path): corrupt or truncated gzip file (gzip exit status \(process.terminationStatus))")
        }
        return output
    }

    private static func readUInt32(_ b: [UInt8], at i: Int) -> UInt32 {
        UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
    }

    private static func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, 8 - s.count)) + s
    }
}
