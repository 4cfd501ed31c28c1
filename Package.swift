// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "sgdfp",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "sgdfp", targets: ["sgdfp"]),
        .library(name: "Spectral", targets: ["Spectral"]),
        .library(name: "LangevinModel", targets: ["LangevinModel"]),
        .library(name: "FokkerPlanck", targets: ["FokkerPlanck"]),
        .library(name: "PhaseSpaceIO", targets: ["PhaseSpaceIO"]),
        .library(name: "RunConfiguration", targets: ["RunConfiguration"]),
        .library(name: "StationaryDistribution", targets: ["StationaryDistribution"]),
        .library(name: "ModifiedLoss", targets: ["ModifiedLoss"]),
        .library(name: "ProbabilityCurrent", targets: ["ProbabilityCurrent"]),
        .library(name: "Validation", targets: ["Validation"]),
        .library(name: "SGDSimulation", targets: ["SGDSimulation"]),
        .library(name: "Studies", targets: ["Studies"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CFFTW", pkgConfig: "fftw3", providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
        .target(name: "CMemory"),
        .target(name: "Spectral", dependencies: ["CFFTW"]),
        .target(name: "LangevinModel"),
        .target(name: "FokkerPlanck", dependencies: ["Spectral", "LangevinModel"]),
        .target(name: "StationaryDistribution", dependencies: ["FokkerPlanck", "Spectral", "LangevinModel"]),
        .target(name: "ModifiedLoss", dependencies: ["Spectral", "LangevinModel"]),
        .target(name: "ProbabilityCurrent", dependencies: ["Spectral", "LangevinModel"]),
        .target(name: "Validation", dependencies: ["LangevinModel", "Spectral", "ModifiedLoss", "ProbabilityCurrent"]),
        .target(name: "SGDSimulation", dependencies: ["LangevinModel", "Spectral", .product(name: "CSV", package: "CSV.swift")]),
        .target(name: "PhaseSpaceIO", dependencies: ["CHDF5"]),
        .target(name: "RunConfiguration", dependencies: [.product(name: "TOMLKit", package: "TOMLKit")]),
        .target(
            name: "Studies",
            dependencies: [
                "Spectral", "LangevinModel", "FokkerPlanck", "StationaryDistribution", "ModifiedLoss", "ProbabilityCurrent",
                "Validation", "SGDSimulation", "PhaseSpaceIO", "RunConfiguration", "CMemory",
            ],
            // Links to the run files of notebooks-data/, compiled into the binary.
            resources: ["P1", "P3", "P4", "M1", "kramers-2d"].map { .embedInCode("RunFiles/\($0).toml") }
        ),
        .executableTarget(
            name: "sgdfp",
            dependencies: [
                "Studies", "Spectral", "LangevinModel", "FokkerPlanck", "StationaryDistribution", "ModifiedLoss", "ProbabilityCurrent",
                "Validation", "SGDSimulation", "PhaseSpaceIO", "RunConfiguration",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "SGDFPTestSupport", dependencies: ["LangevinModel", "FokkerPlanck", "Spectral", "StationaryDistribution"], path: "Tests/Support"),
        .testTarget(name: "SpectralTests", dependencies: ["Spectral"]),
        .testTarget(name: "LangevinModelTests", dependencies: ["LangevinModel", "SGDFPTestSupport"]),
        .testTarget(name: "FokkerPlanckTests", dependencies: ["FokkerPlanck", "Spectral", "LangevinModel", "SGDFPTestSupport"]),
        .testTarget(name: "StationaryDistributionTests", dependencies: ["StationaryDistribution", "FokkerPlanck", "Spectral", "LangevinModel", "SGDFPTestSupport"]),
        .testTarget(name: "ModifiedLossTests", dependencies: ["ModifiedLoss", "StationaryDistribution", "FokkerPlanck", "Spectral", "LangevinModel", "SGDFPTestSupport"]),
        .testTarget(name: "ProbabilityCurrentTests", dependencies: ["ProbabilityCurrent", "StationaryDistribution", "FokkerPlanck", "Spectral", "LangevinModel", "SGDFPTestSupport"]),
        .testTarget(name: "ValidationTests", dependencies: ["Validation", "ModifiedLoss", "ProbabilityCurrent", "Spectral", "LangevinModel"]),
        .testTarget(name: "SGDSimulationTests", dependencies: ["SGDSimulation", "LangevinModel", "Spectral"]),
        .testTarget(name: "PhaseSpaceIOTests", dependencies: ["PhaseSpaceIO"]),
        .testTarget(name: "RunConfigurationTests", dependencies: ["RunConfiguration"]),
        .testTarget(name: "StudiesTests", dependencies: ["Studies", "PhaseSpaceIO", "RunConfiguration", "LangevinModel", "StationaryDistribution", "FokkerPlanck"]),
        .testTarget(name: "sgdfpTests", dependencies: ["PhaseSpaceIO", "RunConfiguration", "Validation"]),
    ]
)
