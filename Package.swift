// swift-tools-version: 6.0
import PackageDescription

// MARK: - Layout
// Data flows one way: dataset -> model -> loss -> perturbation -> dynamics -> trajectory -> analysis -> report.
// Each stage is a target below; the command-line tool is a thin shell over them.

/// `-Onone` in release builds, for targets whose own code is not on a hot path (see SAMExperiments below).
let unoptimizedInRelease: [SwiftSetting] = [.unsafeFlags(["-Onone"], .when(configuration: .release))]

let package = Package(
    name: "SAMLab",
    platforms: [.macOS(.v13)],
    products: [
        // MARK: - Products
        // Every library target is a product; `SAMLab` is the umbrella a package normally depends on (see
        // examples/library-tour, a package that uses SAMLab through these products alone).
        .library(name: "SAMLab", targets: ["SAMLab"]),
        .library(name: "SAMCore", targets: ["SAMCore"]),
        .library(name: "SAMFlow", targets: ["SAMFlow"]),
        .library(name: "SAMPlot", targets: ["SAMPlot"]),
        .library(name: "SAMAnalysis", targets: ["SAMAnalysis"]),
        .library(name: "SAMVision", targets: ["SAMVision"]),
        .library(name: "SAMExperiments", targets: ["SAMExperiments"]),
        .library(name: "OpenBLASKernels", targets: ["OpenBLASKernels"]),
        .library(name: "SAMExplorer", targets: ["SAMExplorer"]),
        .executable(name: "samlab", targets: ["samlab"]),
        .executable(name: "samlab-serve", targets: ["samlab-serve"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
    ],
    targets: [
        // MARK: - System libraries
        .systemLibrary(name: "CClp", providers: [.apt(["coinor-libclp-dev"])]),
        .systemLibrary(name: "COpenBLAS", providers: [.apt(["libopenblas-dev"])]),

        // MARK: - Library
        // CLaneMath: inline elementwise math on SIMD4<Double> that Swift calls without a call per lane (header-only).
        .target(name: "CLaneMath"),
        .target(name: "SAMCore", dependencies: ["CLaneMath"]),
        .target(name: "SAMFlow", dependencies: ["SAMCore"]),
        .target(name: "SAMPlot"),
        .target(name: "OpenBLASKernels", dependencies: ["COpenBLAS"]),
        .target(name: "SAMVision", dependencies: ["SAMCore", "COpenBLAS", "OpenBLASKernels"]),
        .target(name: "SAMAnalysis", dependencies: ["SAMCore", "SAMFlow", "CClp", "OpenBLASKernels"]),
        // The catalog's drivers and the command line are compiled without optimization even in release builds: their
        // time is spent in the modules they call (the kernels, flows, CNN and plots, all optimized), so -O bought
        // nothing measurable (`reproduce all` 98.7 s with -O, 100.7 s without, the same bytes; a 300-point sweep
        // the same) and cost about 47 s of a fresh build's critical path (BENCHMARKS.md, "The build"). A package
        // that depends on SAMLab from a repository can use every library product but SAMExperiments (SwiftPM
        // refuses unsafe flags in a remote dependency's products); the SAMLab umbrella carries none.
        .target(name: "SAMExperiments", dependencies: ["SAMCore", "SAMFlow", "SAMAnalysis", "SAMPlot", "SAMVision"],
                swiftSettings: unoptimizedInRelease),
        // The umbrella: `import SAMLab` re-exports the scientific modules (SAMCore, SAMFlow, SAMAnalysis, SAMPlot).
        // SAMVision stays out: it is a separate Float32 CNN stack on OpenBLAS with its own vocabulary (its `Layer`
        // would clash with SAMPlot's). SAMExperiments stays out: it is the paper's catalog and sweeps, an
        // application built on the library rather than part of it. Both remain products of their own.
        .target(name: "SAMLab", dependencies: ["SAMCore", "SAMFlow", "SAMAnalysis", "SAMPlot"]),
        // The explorer's JSON API (`samlab serve`): requests to responses over the run specification, with limits;
        // no HTTP in it, so it is tested without a socket.
        .target(name: "SAMExplorer", dependencies: ["SAMCore", "SAMFlow", "SAMAnalysis"]),

        // MARK: - Command-line tool
        .executableTarget(
            name: "samlab",
            dependencies: [
                "SAMCore", "SAMFlow", "SAMAnalysis", "SAMExperiments", "SAMVision", "SAMPlot",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: unoptimizedInRelease
        ),

        // MARK: - The explorer's server
        // SAMServe puts SAMExplorer on HTTP (Hummingbird 2) with the page compiled in; samlab-serve is its program,
        // apart from samlab so that neither the library's users nor `make reproduce` build the server stack.
        .target(
            name: "SAMServe",
            dependencies: ["SAMExplorer", .product(name: "Hummingbird", package: "hummingbird")],
            resources: [.embedInCode("Page")]
        ),
        .executableTarget(
            name: "samlab-serve",
            dependencies: ["SAMServe", "SAMExplorer", "SAMCore", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // MARK: - Tests
        .testTarget(name: "SAMCoreTests", dependencies: ["SAMCore"]),
        .testTarget(name: "SAMFlowTests", dependencies: ["SAMFlow", "SAMCore"]),
        .testTarget(name: "SAMPlotTests", dependencies: ["SAMPlot"]),
        .testTarget(name: "SAMVisionTests", dependencies: ["SAMVision", "OpenBLASKernels"]),
        // Golden/ is read through #filePath, not as a bundle resource.
        .testTarget(name: "SAMExperimentsTests", dependencies: ["SAMExperiments", "SAMPlot", "SAMCore"], exclude: ["Golden"]),
        .testTarget(name: "SAMAnalysisTests", dependencies: ["SAMAnalysis", "SAMCore", "SAMFlow"]),
        // A rule, a loss and a model defined outside the library, run through everything the built-ins get.
        .testTarget(name: "ExtensionTests", dependencies: ["SAMCore", "SAMFlow", "SAMAnalysis"]),
        .testTarget(name: "EndToEndTests", dependencies: ["samlab", "samlab-serve", "SAMExplorer"], exclude: ["Golden"]),
        .testTarget(name: "SAMExplorerTests", dependencies: ["SAMExplorer", "SAMCore"]),
    ]
)
