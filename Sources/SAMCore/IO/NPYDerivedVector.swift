/// A vector written as an NPY file (shape (count,), `<f8`) entry by entry, from a function of the index, without
/// being held: the file gets the bytes `NPYArray(vector: values).data` would have, written in chunks of
/// `chunkSize` entries (at d = 10^6 a run folder's direction.npy is made so, from beta: 8 MB it does not hold).
public struct NPYDerivedVector: @unchecked Sendable {
    /// The number of entries.
    public let count: Int
    /// Entry j, 0 <= j < count.
    public let entry: (Int) -> Double
    /// Entries per write.
    public static let chunkSize = 8192

    /// The vector of `count` entries given by `entry`.
    public init(count: Int, entry: @escaping (Int) -> Double) {
        self.count = count
        self.entry = entry
    }

    /// All the entries, as an array.
    public var values: [Double] { (0..<count).map(entry) }

    /// Writes the NPY file to `path`: the header of shape (count,), then the entries as little-endian float64.
    public func write(to path: String) throws(FileError) {
        let header = NPYArray.header(shape: [count])
        var chunk = [Double](repeating: 0, count: Swift.min(count, Self.chunkSize))
        try AtomicFile.writeDirectly(to: path) { write in
            guard header.withUnsafeBytes({ write($0) }) else { return }
            var start = 0
            while start < count {
                let end = Swift.min(start + Self.chunkSize, count)
                // Stored as the bits little-endian (the identity on the little-endian machines Swift runs on).
                for j in start..<end { chunk[j - start] = Double(bitPattern: entry(j).bitPattern.littleEndian) }
                guard chunk.withUnsafeBytes({ write(UnsafeRawBufferPointer(rebasing: $0[0..<(end - start) * 8])) }) else { return }
                start = end
            }
        }
    }
}
