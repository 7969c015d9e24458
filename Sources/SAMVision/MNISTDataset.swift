import Foundation
import SAMCore

/// MNIST or Fashion-MNIST loaded from the four standard IDX files of a directory.
///
/// The file names are the standard ones (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-...`), each
/// found with or without `.gz`. Image and label counts must agree, because a mismatched pair would silently
/// shift every label.
public struct MNISTDataset: Sendable, Equatable {
    /// Where Debian's `dataset-fashion-mnist` package puts Fashion-MNIST.
    public static let fashionMNISTDirectory = "/usr/share/datasets/fashion-mnist/"

    /// The training set (60,000 images in the standard files).
    public var train: ImageSet
    /// The test set (10,000 images in the standard files).
    public var test: ImageSet
    /// How the two sets were made from one collection (`MNIST5k`), or nil for the standard files' own division.
    public var split: DatasetSplit?

    /// A data set from two image sets already in memory (subsets, or synthetic images).
    public init(train: ImageSet, test: ImageSet) {
        self.train = train
        self.test = test
    }

    /// Loads the training and test sets from `directory` (Fashion-MNIST's Debian location by default).
    public init(directory: String = MNISTDataset.fashionMNISTDirectory) throws(InvalidInput) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InvalidInput("\(directory): no such directory; for Fashion-MNIST run 'make deps' or 'apt-get install dataset-fashion-mnist' (it installs into \(MNISTDataset.fashionMNISTDirectory)), or put MNIST's train-images-idx3-ubyte(.gz), train-labels-idx1-ubyte(.gz), t10k-images-idx3-ubyte(.gz) and t10k-labels-idx1-ubyte(.gz) in a directory and pass it")
        }
        train = try Self.loadPair(directory: directory, prefix: "train")
        test = try Self.loadPair(directory: directory, prefix: "t10k")
    }

    /// Loads `<prefix>-images-idx3-ubyte` and `<prefix>-labels-idx1-ubyte` and checks that they match.
    static func loadPair(directory: String, prefix: String) throws(InvalidInput) -> ImageSet {
        let imagesPath = try locate(directory: directory, name: "\(prefix)-images-idx3-ubyte")
        let labelsPath = try locate(directory: directory, name: "\(prefix)-labels-idx1-ubyte")
        return try load(imagesPath: imagesPath, labelsPath: labelsPath)
    }

    /// Loads one images file and one labels file, checking that they hold at least one image and that their
    /// counts agree.
    public static func load(imagesPath: String, labelsPath: String) throws(InvalidInput) -> ImageSet {
        let images = try IDXReader.readImages(imagesPath)
        let labels = try IDXReader.readLabels(labelsPath)
        // An empty set would train nothing and average over nothing (a division by zero downstream): refuse it here.
        guard images.dimensions[0] > 0 else { throw InvalidInput("\(imagesPath): holds no images (the IDX header gives a count of 0)") }
        guard images.dimensions[1] > 0, images.dimensions[2] > 0 else {
            throw InvalidInput("\(imagesPath): its images are \(images.dimensions[1])x\(images.dimensions[2]) pixels; they must be at least 1x1")
        }
        guard images.dimensions[0] == labels.dimensions[0] else {
            throw InvalidInput("\(imagesPath) has \(images.dimensions[0]) images but \(labelsPath) has \(labels.dimensions[0]) labels")
        }
        let scale = Float(1) / 255
        return try ImageSet(height: images.dimensions[1], width: images.dimensions[2],
                        pixels: images.bytes.map { Float($0) * scale }, labels: labels.bytes.map { Int($0) })
    }

    private static func locate(directory: String, name: String) throws(InvalidInput) -> String {
        let base = URL(fileURLWithPath: directory).appendingPathComponent(name).path
        for candidate in [base, base + ".gz"] where FileManager.default.fileExists(atPath: candidate) {
            return candidate
        }
        throw InvalidInput("\(base)(.gz): missing; the directory must hold the four standard MNIST-format IDX files")
    }
}
