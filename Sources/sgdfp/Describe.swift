import Foundation
import LangevinModel
import Spectral
import Studies

/// Human-readable descriptions of a model, a grid and a finished run.
enum Describe {
    static func model(_ sde: LangevinSDE) -> String {
        let h = sde.hyperparameters
        var lines = [String(format: "Model: %ld parameter%@, %@ noise; η = %@, β = %@, S = %@, λ = %@%@",
                            sde.parameterDimension, sde.parameterDimension == 1 ? "" : "s", sde.noise.name,
                            fmt(h.learningRate), fmt(h.momentum), fmt(h.batchSize), fmt(h.weightDecay),
                            h.datasetSize.map { ", N = \(fmt($0)) (without replacement)" } ?? "")]
        var constants = "  mass m = \(fmt(sde.mass)), friction rate 2γ = \(fmt(2 * sde.gamma)), γ = \(fmt(sde.gamma))"
        if let t = sde.temperature { constants += ", temperature κ = \(fmt(t))" }
        lines.append(constants)
        var table = ConsoleTable("mode", "h", "h+λ", "ω", "Ω", "regime")
        for (i, m) in sde.modes.enumerated() {
            table.add("\(i + 1)", fmt(m.curvature), fmt(m.curvature + h.weightDecay), fmt(m.omega),
                      m.regime == .underdamped ? fmt(m.dampedFrequency) : "-", m.regime.rawValue)
        }
        lines.append(table.render())
        return lines.joined(separator: "\n")
    }

    static func grid(_ grid: PhaseSpaceGrid, stationaryPoint: [Double], frame: String? = nil, full: Bool = true) -> String {
        var table = ConsoleTable("axis", "points", "from", "to", "spacing")
        for (i, a) in grid.axes.enumerated() {
            // The first and last node, as the file's coordinates and `inspect` give them (the periodic box ends a spacing later).
            table.add(a.name, "\(a.points)", fmt(stationaryPoint[i] - a.halfWidth), fmt(stationaryPoint[i] + a.halfWidth - a.spacing), fmt(a.spacing))
        }
        let frameLine = frame.map { "Adapted frame (follows the mean and covariance of the law): \($0); the grid below is the output's.\n" } ?? ""
        return frameLine + (full ? "Grid: \(grid.pointCount) points" : "Grid of the 2-D marginals (the full field is not written)") + " (periodic box centred on the stationary point)\n" + table.render()
    }

    static func grids(_ g: (output: PhaseSpaceGrid, frame: (frame: Frame, grid: PhaseSpaceGrid)?), sde: LangevinSDE, full: Bool) -> String {
        grid(g.output, stationaryPoint: sde.stationaryPoint, frame: g.frame.map { "that of the exact stationary law, \($0.grid.axes[0].points) points per frame axis on ±\(fmt($0.grid.axes[0].halfWidth))" }, full: full) + "\n"
    }

    static func summary(_ r: SolveReport, setup: RunSetup) -> String {
        var table = ConsoleTable("quantity", "value")
        table.add("final time", fmt(r.finalTime))
        table.add("frames written", "\(r.frames)")
        guard let s = r.simulation else { return table.render() }
        let requested = setup.configuration.time.scheme
        table.add("time scheme", requested == setup.scheme ? setup.scheme : "\(setup.scheme) (\(requested))")
        table.add("steps (rejected)", "\(s.steps) (\(s.rejectedSteps))")
        table.add("step size min / max", "\(fmt(s.smallestStep)) / \(fmt(s.largestStep))")
        table.add("wall time", TerminalProgress.duration(s.wallTime))
        table.add("final mass error", fmt(s.finalMassError, 2))
        table.add("min density", fmt(s.minimumDensity, 3))
        table.add("largest negative mass", fmt(s.largestNegativeMass, 2))
        if let f = setup.discretisationFloor { table.add("discretisation floor (spectral tail)", fmt(f, 2)) }
        if let e = r.finalL1 { table.add("L¹ error vs exact (final)", fmt(e, 3)) }
        if let e = r.worstL1 { table.add("L¹ error vs exact (worst frame)", fmt(e, 3)) }
        if let e = r.worstMeanError { table.add("mean error vs exact (worst, rel.)", fmt(e, 3)) }
        if let e = r.worstCovarianceError { table.add("covariance error vs exact (worst, rel.)", fmt(e, 3)) }
        return table.render()
    }
}
