import Foundation
import LangevinModel
import PhaseSpaceIO
import RunConfiguration
import Spectral

/// The tool's name and version, as every output's `source` attribute gives them.
public enum SGDFPVersion {
    public static let number = "0.1.0"
    public static var source: String { "sgdfp \(number)" }
}

/// Who asked for a study: the command line that goes into a file's `history`.
public struct Invocation: Sendable {
    public var commandLine: String
    public init(commandLine: String) { self.commandLine = commandLine }
    /// This process's own command line.
    public static var current: Invocation { Invocation(commandLine: CommandLine.arguments.joined(separator: " ")) }
}

extension OutputProvenance {
    /// The root attributes of a file made from a run file's model.
    static func of(_ title: String, configuration: RunConfiguration?, sde: LangevinSDE?, invocation: Invocation) -> OutputProvenance {
        OutputProvenance(title: title, source: SGDFPVersion.source, history: historyLine(commandLine: invocation.commandLine),
                         configuration: configuration?.renderTOML(), fftwVersion: FFTWRuntime.version,
                         stationaryPoint: sde?.stationaryPoint, parameterDimension: sde?.parameterDimension,
                         deflateLevel: UInt32(clamping: configuration?.output.compression ?? 0))
    }
}

/// Long names of the phase-space coordinates, shared by every file with phase-space axes.
enum AxisNaming {
    static func longName(_ axis: String) -> String {
        let index = axis.drop { !$0.isNumber }
        let sub = index.isEmpty ? "" : "_\(index)"
        return axis.hasPrefix("theta") ? "parameter theta\(sub)" : "velocity v\(sub)"
    }

    /// What a velocity coordinate is (nil for parameters, whose long name says it).
    static func description(_ axis: String) -> String? {
        let index = axis.drop { !$0.isNumber }
        return axis.hasPrefix("v") ? "v\(index) = d theta\(index)/dt = (theta\(index)_k - theta\(index)_(k-1))/learning_rate, minus the PyTorch momentum buffer" : nil
    }

    /// The grid's axes as uncentred coordinates around `origin`, or exactly `values` when given.
    static func define(_ grid: PhaseSpaceGrid, origin: [Double], values: [[Double]]? = nil, in file: NetCDFFile) throws {
        for (i, axis) in grid.axes.enumerated() {
            try file.defineDimension(axis.name, coordinates: values?[i] ?? axis.coordinates.map { $0 + origin[i] },
                                     attributes: ["long_name": .text(longName(axis.name)), "units": .text("1")]
                                        .merging(description(axis.name).map { ["description": .text($0)] } ?? [:]) { $1 })
        }
    }

    static func axes(_ grid: PhaseSpaceGrid, origin: [Double]) -> [PhaseSpaceAxis] {
        grid.axes.enumerated().map { i, axis in
            PhaseSpaceAxis(name: axis.name, longName: longName(axis.name), units: "1", values: axis.coordinates.map { $0 + origin[i] },
                           description: description(axis.name))
        }
    }
}
