import Foundation
import LangevinModel
import PhaseSpaceIO
import RunConfiguration
import Spectral

/// `sgdfp analyze`: the modified loss and the probability current of one frame of a solve output, added
/// beside its variables (copied unchanged); the file is replaced only when the analysis is complete.
public struct AnalyzeStudy {
    public let file: String
    /// The frame actually analysed (the record nearest to the requested time).
    public let time: Double
    public let analysis: DensityAnalysis
    private let grid: PhaseSpaceGrid
    private let hasFullDensity: Bool

    /// Reads the frame nearest to `time` (the last when nil) and analyses it: the last frame of a solve in the
    /// adapted frame from its frame state, exactly (and in 4-D without the full density in the file); any
    /// other frame from its full density on the file's grid.
    public init(file: String, time: Double?, threshold: Double) throws {
        let record = try RunOutputReader.record(path: file, time: time)
        guard let text = record.configuration else {
            throw StudyError("File \(file) has no configuration attribute, so it was not written by sgdfp solve; pass a solve output.")
        }
        if record.variables.contains("modified_loss_theta") {
            throw StudyError("File \(file) already holds an analysis; analyse a fresh solve output, or write elsewhere with sgdfp solve -o.")
        }
        let config = try RunConfiguration.parse(toml: text, source: "\(file) (configuration attribute)")
        let sde = try RunSetup.model(config)
        let grid = try FileGrid.grid(of: record.axes, path: file, centre: sde.stationaryPoint).grid
        hasFullDensity = record.variables.contains(RunVariable.density)
        // Beside a transient frame stand the exact values of its own law, where that law is a known Gaussian.
        let start = config.initial.components.first
        let law = config.initial.kind == .gaussian && !sde.noise.isStateDependent
            ? start.map { (record.time, GaussianTheory.propagate(Gaussian(mean: $0.mean, covariance: Matrix(rows: sde.phaseDimension, cols: sde.phaseDimension,
                                                                                                              elements: $0.covariance.flatMap { $0 })), sde, time: record.time)) }
            : nil
        if record.isLast, let state = try RunOutputReader.frameState(path: file) {
            let frameGrid = try FileGrid.frameGrid(coordinates: state.coordinates)
            let frame = try Frame(mean: zip(state.mean, sde.stationaryPoint).map(-), factor: state.factor)
            guard frame.isBlockLowerTriangular(split: sde.parameterDimension) else {
                throw StudyError("The frame state of \(file) has a factor that mixes velocities into the parameters, which no sgdfp solve writes; analyse a file whose run succeeded.")
            }
            guard state.density.count == frameGrid.pointCount, state.density.allSatisfy(\.isFinite) else {
                throw StudyError("The frame state of \(file) holds NaN or infinite values (or not one value per frame point); analyse a file whose run succeeded.")
            }
            let q = frameGrid.makeField()
            for (i, v) in state.density.enumerated() { q[i] = v }
            analysis = try DensityAnalysis(frameDensity: q, projection: FrameProjection(frame: frame, frameGrid: frameGrid, output: grid),
                                           sde: sde, threshold: threshold, effort: .estimate, drawsFields: hasFullDensity, law: law)
        } else {
            let frame = try RunOutputReader.frame(path: file, time: time)
            analysis = try frame.density.withUnsafeBufferPointer {
                try DensityAnalysis(density: $0, sde: sde, grid: grid, threshold: threshold, effort: .estimate, law: law)
            }
        }
        self.grid = grid
        self.file = file
        self.time = record.time
    }

    /// Writes the analysed copy to `destination` (the file itself when nil, which is then replaced).
    public func write(to destination: String?, overwrite: Bool, invocation: Invocation = .current) throws {
        try OutputFile.amend(file, into: destination ?? file, overwrite: destination == nil ? true : overwrite, kind: .analysedSolve) { appended in
            let product = AnalysisProduct(file: appended, grid: grid, writeFullFields: hasFullDensity, context: String(format: " at t = %.6g", time))
            try product.defineMatrixDimensions()
            try product.writeAnalysis(analysis)
            try appended.setAttribute("analysis_time", .double(time))
            try appended.setAttribute("analysis_history", .text(OutputProvenance.historyLine(commandLine: invocation.commandLine)))
        }
    }
}
