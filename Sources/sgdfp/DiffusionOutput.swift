import Foundation
import PhaseSpaceIO
import SGDSimulation

/// The HDF5 file of `sgdfp diffusion`: the curves over a `step` coordinate and the figures as attributes.
enum DiffusionOutput {
    static func write(to destination: String, overwrite: Bool, steps: [Double], wholeSteps: [Int], continuous: [Double], discrete: [Double], slopes: [Double],
                      simulated: [Estimate?], attributes: [String: AttributeValue]) throws {
        try TableFile.write(to: destination, overwrite: overwrite, title: "Anomalous diffusion of SGD with momentum (mode sums)",
                            coordinate: ("step", "SGD step k", steps), attributes: attributes) { file in
            try TableFile.series(file, "msd_continuous", "step", "E|theta_k - theta_0|^2 from a stationary start, continuous model", continuous)
            try TableFile.series(file, "whole_step", "step", "the whole step at which the discrete chain and SGD are evaluated", wholeSteps.map(Double.init))
            try TableFile.series(file, "msd_discrete", "step", "E|theta_k - theta_0|^2 from a stationary start, exact discrete chain at whole_step", discrete)
            try TableFile.series(file, "local_slope", "step", "local log-log slope of msd_continuous from the previous step", [Double.nan] + slopes)
            if simulated.contains(where: { $0 != nil }) {
                try TableFile.series(file, "msd_sgd", "step", "E|theta_k - theta_0|^2 of simulated SGD (NaN where not simulated)",
                                     simulated.map { $0?.value ?? .nan })
                try TableFile.series(file, "msd_sgd_error", "step", "standard error of msd_sgd", simulated.map { $0?.standardError ?? .nan })
            }
        }
    }
}

/// A small netCDF file of 1-D series over one coordinate, written whole or not at all.
enum TableFile {
    static func write(to destination: String, overwrite: Bool, title: String, coordinate: (name: String, longName: String, values: [Double]),
                      attributes: [String: AttributeValue], body: (NetCDFFile) throws -> Void) throws {
        let output = try AtomicOutput(destination: destination, overwrite: overwrite)
        Interruption.protect(output.temporaryPath)
        defer { Interruption.release() }
        do {
            let file = try NetCDFFile.create(at: output.temporaryPath)
            do {
                var root = attributes
                root["Conventions"] = .text("CF-1.10")
                root["title"] = .text(title)
                root["source"] = .text("sgdfp \(SGDFP.version)")
                root["history"] = .text("\(ISO8601DateFormatter().string(from: Date())) \(CommandLine.arguments.joined(separator: " "))")
                root["hdf5_version"] = .text(NetCDFFile.hdf5Version)
                for k in NetCDFFile.orderedNames(root.keys) { try file.setAttribute(k, root[k]!) }
                try file.defineDimension(coordinate.name, coordinates: coordinate.values,
                                         attributes: ["long_name": .text(coordinate.longName), "units": .text("1")])
                try body(file)
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

    static func series(_ file: NetCDFFile, _ name: String, _ dimension: String, _ longName: String, _ values: [Double]) throws {
        try file.defineVariable(name, dimensions: [dimension], attributes: ["long_name": .text(longName), "units": .text("1")])
        try file.write(name, values: values)
    }
}
