import Foundation
import FokkerPlanck
import LangevinModel
import PhaseSpaceIO
import RunConfiguration
import Spectral

/// A new HDF5 file for the results of `stationary` and `validate`: axes over the stationary point,
/// CF root attributes, and the analysis writer; written under a temporary name and committed whole.
struct AnalysisFile {
    static func write(to destination: String, overwrite: Bool, grid: PhaseSpaceGrid, sde: LangevinSDE, config: RunConfiguration,
                      title: String, writeFullFields: Bool, body: (AnalysisWriter) throws -> Void) throws {
        let output = try AtomicOutput(destination: destination, overwrite: overwrite)
        Interruption.protect(output.temporaryPath)
        defer { Interruption.release() }
        do {
            let file = try NetCDFFile.create(at: output.temporaryPath)
            do {
                let x0 = sde.stationaryPoint
                let d = grid.parameterDimension
                for (i, axis) in grid.axes.enumerated() {
                    try file.defineDimension(axis.name, coordinates: axis.coordinates.map { $0 + x0[i] },
                                             attributes: ["long_name": .text(SolveRunner.longName(axis.name, d: d)), "units": .text("1")])
                }
                let root: [String: AttributeValue] = [
                    "Conventions": .text("CF-1.10"),
                    "title": .text(title),
                    "source": .text("sgdfp \(SGDFP.version)"),
                    "history": .text("\(ISO8601DateFormatter().string(from: Date())) \(CommandLine.arguments.joined(separator: " "))"),
                    "configuration": .text(config.renderTOML()),
                    "fftw_version": .text(FFTWRuntime.version),
                    "hdf5_version": .text(NetCDFFile.hdf5Version),
                    "stationary_point": .doubles(x0),
                    "parameter_dimension": .int(d),
                    "time_convention": .text("continuous time t = learning_rate * step; velocity v = -momentum_buffer"),
                ]
                for name in NetCDFFile.orderedNames(root.keys) { try file.setAttribute(name, root[name]!) }
                let writer = AnalysisWriter(file: file, grid: grid, writeFullFields: writeFullFields, context: "")
                try writer.defineMatrixDimensions()
                try body(writer)
                try file.close()
            } catch {
                try? file.close()
                throw error
            }
            try output.commit()
        } catch {
            output.abandon()
            throw error
        }
    }
}
