// swift-tools-version: 6.0
import PackageDescription

// A package that uses SAMLab as a library, through its products alone: it depends on the repository by path and
// imports the umbrella module `SAMLab`. `make library-tour` (and `make test`) build and run it.
let package = Package(
    name: "LibraryTour",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "SAMLab", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "LibraryTour",
            dependencies: [.product(name: "SAMLab", package: "SAMLab")]
        ),
    ]
)
