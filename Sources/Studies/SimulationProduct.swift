import Foundation
import LangevinModel
import PhaseSpaceIO
import RunConfiguration
import SGDSimulation
import Spectral

/// The HDF5 file of `sgdfp simulate`: moments over time, the stationary comparison, the histogram on the
/// solver's grid (2-D marginals in 4-D) and a few trajectories; written whole or not at all.
enum SimulationProduct {
    static func write(to destination: String, overwrite: Bool, config: RunConfiguration, sde: LangevinSDE, result: SGDResult,
                      comparison: MomentComparison, grid: PhaseSpaceGrid?, origin: [Double]?, axisValues: [[Double]]? = nil,
                      totalVariation: Double?, source: String, invocation: Invocation) throws {
        let provenance = OutputProvenance.of("Simulated heavy-ball SGD beside the Fokker-Planck model", configuration: config, sde: sde,
                                             invocation: invocation)
        try OutputFile.write(to: destination, overwrite: overwrite, kind: .simulate, provenance: provenance) { file in
            try fill(file, config: config, sde: sde, result: result, comparison: comparison, grid: grid, origin: origin,
                     axisValues: axisValues, totalVariation: totalVariation, source: source)
        }
    }

    private static func fill(_ file: NetCDFFile, config: RunConfiguration, sde: LangevinSDE, result: SGDResult, comparison: MomentComparison,
                             grid: PhaseSpaceGrid?, origin: [Double]?, axisValues: [[Double]]?, totalVariation: Double?, source: String) throws {
        let d = sde.parameterDimension, n = 2 * d
        let names = PhaseSpaceGrid.axisNames(parameterDimension: d)
        let root: [String: AttributeValue] = [
            "gradient": .text(source),
            "chains": .int(result.chains),
            "steps_per_second": .double(result.stepsPerSecond),
            "total_steps": .int(result.totalSteps),
            "confidence_level": .text("95 % intervals are 1.96 standard errors from independent groups of chains"),
        ]
        for k in NetCDFFile.orderedNames(root.keys) { try file.setAttribute(k, root[k]!) }
        if let tv = totalVariation { try file.setAttribute("histogram_total_variation", .double(tv)) }
        try file.setAttribute("histogram_fraction_outside", .double(result.fractionOutside))

        // The compared file's own coordinates, bit for bit, so that xarray aligns the two grids.
        if let grid, let origin { try AxisNaming.define(grid, origin: origin, values: axisValues, in: file) }
        try file.defineIndexDimension(RunVariable.component, labels: names)
        try file.defineIndexDimension(RunVariable.componentB, labels: names)
        try file.defineTimeDimension(attributes: RunVariable.timeAttributes)
        func variable(_ name: String, _ dims: [String], _ longName: String, _ values: [Double]) throws {
            try file.defineVariable(name, dimensions: dims, attributes: ["long_name": .text(longName), "units": .text("1")],
                                    compress: values.count > 1 << 16)
            try file.write(name, values: values)
        }
        try file.defineVariable("sgd_mean", dimensions: [RunVariable.time, RunVariable.component],
                                attributes: ["long_name": .text("mean of (theta, v) over the chains"), "units": .text("1")])
        // Above 16 phase-space components the simulation keeps the variances only.
        let fullCovariance = result.covariances.first?.count == n * n
        if fullCovariance {
            try file.defineVariable("sgd_covariance", dimensions: [RunVariable.time, RunVariable.component, RunVariable.componentB],
                                    attributes: ["long_name": .text("covariance of (theta, v) over the chains"), "units": .text("1")])
        } else {
            try file.defineVariable("sgd_variance", dimensions: [RunVariable.time, RunVariable.component],
                                    attributes: ["long_name": .text("variance of each component of (theta, v) over the chains"), "units": .text("1")])
        }
        try file.defineVariable("sgd_step", dimensions: [RunVariable.time], attributes: ["long_name": .text("SGD step k"), "units": .text("1")])
        let kept = result.trajectories.count
        if kept > 0 {
            try file.defineIndexDimension("chain", labels: (1...kept).map { "chain\($0)" })
            try file.defineVariable("sgd_trajectory", dimensions: [RunVariable.time, "chain", RunVariable.component],
                                    attributes: ["long_name": .text("(theta, v) of single chains"), "units": .text("1")])
        }
        for (r, t) in result.times.enumerated() {
            try file.appendTime(t)
            try file.writeRecord("sgd_mean", index: r, values: result.means[r])
            try file.writeRecord(fullCovariance ? "sgd_covariance" : "sgd_variance", index: r, values: result.covariances[r])
            try file.writeRecord("sgd_step", index: r, values: [Double(result.recordSteps[r])])
            if kept > 0 {
                try file.writeRecord("sgd_trajectory", index: r, values: result.trajectories.flatMap { Array($0[(r * n)..<((r + 1) * n)]) })
            }
        }
        if result.stationaryCovariance.count == n * n {
            try variable("sgd_stationary_covariance", [RunVariable.component, RunVariable.componentB],
                         "stationary covariance of SGD over chains and steps after the burn-in", result.stationaryCovariance.map(\.value))
            try variable("sgd_stationary_covariance_error", [RunVariable.component, RunVariable.componentB],
                         "standard error of sgd_stationary_covariance", result.stationaryCovariance.map(\.standardError))
        }
        try variable("sgd_stationary_mean", [RunVariable.component], "stationary mean of SGD", result.stationaryMean.map(\.value))
        if let m = comparison.discrete {
            try variable("discrete_stationary_covariance", [RunVariable.component, RunVariable.componentB],
                         "exact stationary covariance of the discrete recursion (physics.md 3.3)", m.elements)
        }
        if let m = comparison.continuous {
            try variable("continuous_stationary_covariance", [RunVariable.component, RunVariable.componentB],
                         "stationary covariance of the continuous model", m.elements)
        }
        if let grid, let histogram = result.histogram {
            if d == 1 {
                try variable("sgd_histogram", names, "stationary histogram of SGD as a density on the solver's grid", histogram)
            } else {
                let marginals = histogram.withUnsafeBufferPointer { Quadrature.pairMarginals(of: $0, on: grid) }
                for a in 0..<n {
                    for b in (a + 1)..<n {
                        let key = "\(names[a])_\(names[b])"
                        try variable("sgd_histogram_\(key)", [names[a], names[b]], "stationary histogram of SGD, marginal over the other axes", marginals[key]!)
                    }
                }
            }
        }
    }
}
