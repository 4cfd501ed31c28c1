import Foundation
import LangevinModel
import ModifiedLoss
import PhaseSpaceIO
import ProbabilityCurrent
import RunConfiguration
import Spectral

/// The analysis products of `stationary`, `validate` and `analyze`: writes them into an open netCDF file whose phase-space axes are already defined:
/// the fields as variables over the axes (in 4-D the full fields only when asked, the 2-D marginals
/// always), small matrices over `component`/`component_b` and `parameter`/`parameter_b`, scalars as root
/// attributes. Names are fixed because users and tools rely on them (README, "Output file").
struct AnalysisProduct {
    let file: NetCDFFile
    let grid: PhaseSpaceGrid
    let writeFullFields: Bool
    /// Text added to every long_name, e.g. " at t = 5" for a frame of a solve output.
    let context: String

    /// A new file with the axes over the stationary point, the matrix dimensions and `body`'s products.
    static func write(to destination: String, overwrite: Bool, kind: OutputKind, title: String, configuration: RunConfiguration,
                      sde: LangevinSDE, grid: PhaseSpaceGrid, fullFields: Bool, invocation: Invocation,
                      body: (AnalysisProduct) throws -> Void) throws {
        let provenance = OutputProvenance.of(title, configuration: configuration, sde: sde, invocation: invocation)
        try OutputFile.write(to: destination, overwrite: overwrite, kind: kind, provenance: provenance) { file in
            try AxisNaming.define(grid, origin: sde.stationaryPoint, in: file)
            let product = AnalysisProduct(file: file, grid: grid, writeFullFields: fullFields, context: "")
            try product.defineMatrixDimensions()
            try body(product)
        }
    }

    var axisNames: [String] { grid.axes.map(\.name) }
    var thetaNames: [String] { grid.parameterAxes.map(\.name) }
    var isFourDimensional: Bool { grid.parameterDimension == 2 }

    /// The index dimensions of the small matrices, defined unless the file has them.
    func defineMatrixDimensions() throws {
        if !file.variableNames.contains(RunVariable.component) {
            try file.defineIndexDimension(RunVariable.component, labels: axisNames)
            try file.defineIndexDimension(RunVariable.componentB, labels: axisNames)
        }
        if !file.variableNames.contains("parameter") {
            try file.defineIndexDimension("parameter", labels: thetaNames)
            try file.defineIndexDimension("parameter_b", labels: thetaNames)
        }
    }

    func field(_ name: String, _ values: [Double], longName: String, description: String? = nil, units: String = "1", fill: Bool = false) throws {
        try field(name, values, dimensions: axisNames, longName: longName, description: description, units: units, fill: fill)
    }

    /// A variable with a short `long_name` (a plot label) and, where there is one, its formula as `description`.
    func field(_ name: String, _ values: [Double], dimensions: [String], longName: String, description: String? = nil, units: String = "1",
               fill: Bool = false) throws {
        var attributes: [String: AttributeValue] = ["long_name": .text(longName + context), "units": .text(units)]
        if let description { attributes["description"] = .text(description) }
        try file.defineVariable(name, dimensions: dimensions, attributes: attributes,
                                fillValue: fill ? ModifiedLossResult.fillValue : nil, compress: values.count > 1 << 16)
        try file.write(name, values: values)
    }

    func matrix(_ name: String, _ m: Matrix, longName: String, description: String? = nil, parameterOnly: Bool = false) throws {
        let dims = parameterOnly ? ["parameter", "parameter_b"] : [RunVariable.component, RunVariable.componentB]
        try field(name, m.elements, dimensions: dims, longName: longName, description: description)
    }

    /// A full phase-space field: written whole in 2-D (and in 4-D when asked), as its six 2-D
    /// marginals in 4-D when `marginals` is set.
    func phaseField(_ name: String, _ values: [Double], longName: String, description: String? = nil, marginals: Bool) throws {
        try phaseField(name, values, longName: longName, description: description,
                       marginalValues: isFourDimensional && marginals ? values.withUnsafeBufferPointer { Quadrature.pairMarginals(of: $0, on: grid) } : nil)
    }

    /// The same with the marginals given (drawn from a frame, say); `values` may be nil where only they are written.
    func phaseField(_ name: String, _ values: [Double]?, longName: String, description: String? = nil, marginalValues: [String: [Double]]?) throws {
        if !isFourDimensional || writeFullFields {
            guard let values else { preconditionFailure("\(name) is written whole but was not drawn") }
            try field(name, values, longName: longName, description: description)
        }
        guard isFourDimensional, let all = marginalValues else { return }
        for (a, b) in pairs {
            let key = "\(axisNames[a])_\(axisNames[b])"
            try field("\(name)_\(key)", all[key]!, dimensions: [axisNames[a], axisNames[b]], longName: "\(longName), marginal",
                      description: (description.map { $0 + "; " } ?? "") + "marginal over the other axes")
        }
    }

    var pairs: [(Int, Int)] {
        var out: [(Int, Int)] = []
        for a in 0..<grid.axes.count { for b in (a + 1)..<grid.axes.count { out.append((a, b)) } }
        return out
    }

    func writeStationary(_ s: StationaryPipeline) throws {
        try phaseField("stationary_density", s.density, longName: "stationary density solved directly on the grid", marginalValues: s.densityMarginals)
        if s.exactDensity != nil || s.exactMarginals != nil {
            try phaseField("exact_stationary_density", s.exactDensity, longName: "exact stationary density (Lyapunov Gaussian)", marginalValues: s.exactMarginals)
            if let theory = s.analysis.theory {
                try matrix("exact_stationary_covariance", theory.law.covariance, longName: "exact stationary covariance P (Lyapunov)")
            }
        }
        let n = grid.axes.count
        try matrix("stationary_covariance", Matrix(rows: n, cols: n, elements: s.moments.covariance), longName: "covariance of the solved stationary density")
        var attributes: [String: AttributeValue] = [
            "stationary_residual": .double(s.solution.residual),
            "stationary_initial_residual": .double(s.solution.initialResidual),
            "stationary_residual_tolerance": .double(s.residualTolerance),
            "stationary_converged": .int(s.solution.converged ? 1 : 0),
            "stationary_propagator_applications": .int(s.solution.applications),
            "stationary_krylov_cycles": .int(s.solution.cycles),
            "stationary_interval": .double(s.solution.interval),
            "stationary_propagator": .text(s.solution.propagator),
            "stationary_solver_seconds": .double(s.solution.wallTime),
            "stationary_mass": .double(s.moments.mass),
            "stationary_minimum_density": .double(s.moments.minimum),
        ]
        if let l1 = s.l1ToExact { attributes["stationary_l1_to_exact"] = .double(l1) }
        attributes["stationary_frame"] = .text(s.frame == nil ? "fixed" : "adapted")
        if let frame = s.frame {
            attributes["stationary_frame_points"] = .int(frame.grid.axes[0].points)
            attributes["stationary_frame_half_width"] = .double(frame.grid.axes[0].halfWidth)
            attributes["stationary_frame_factor"] = .doubles(frame.frame.factor)
        }
        for (k, v) in attributes { try file.setAttribute(k, v) }
    }

    func writeAnalysis(_ a: DensityAnalysis) throws {
        let m = a.modifiedLoss
        try phaseField("modified_loss", m.potential, longName: "modified loss Phi",
                       description: "Phi = -log(p/max p), masked where p < \(m.threshold) max p", marginals: false)
        try field("modified_loss_theta", m.thetaPotential, dimensions: thetaNames,
                  longName: "theta-marginal potential -log(p_theta/max p_theta), masked where p_theta < \(m.threshold) max", fill: true)
        if let psi = m.psi {
            try phaseField("modified_loss_psi", psi, longName: "modified loss Psi",
                           description: "Psi = T_v Phi, temperature-normalised (p ~ exp(-Psi/T_v))", marginals: false)
        }
        try phaseField("training_loss", m.trainingEnergy, longName: "training loss plus kinetic energy L_lambda(theta) + m|v|^2/2", marginals: false)
        try field("training_loss_theta", m.trainingLoss, dimensions: thetaNames, longName: "training loss L_lambda",
                  description: "L_lambda(theta) = L(theta) + lambda|theta|^2/2")
        try matrix("fitted_precision", m.fittedPrecision, longName: "Hessian U of the quadratic fitted to Phi")
        try matrix("fitted_theta_precision", m.thetaFittedPrecision, longName: "Hessian of the quadratic fitted to the theta-marginal potential", parameterOnly: true)
        if let theory = a.theory {
            try matrix("exact_precision", theory.precision, longName: "exact U", description: "U = P^-1")
            try matrix("exact_theta_precision", theory.thetaMarginalPrecision, longName: "exact theta-marginal precision (P_theta_theta)^-1", parameterOnly: true)
            try matrix("exact_circulation", theory.circulation, longName: "exact first moment of the current",
                   description: "integral of (x - x*) J^T dx (Q = AP - D when stationary)")
        }
        if let psi = a.sde.modifiedLossHessian { try matrix("exact_psi_hessian", psi, longName: "Hessian of Psi (physics.md 6.4)") }

        let c = a.summary
        let names = axisNames
        for (i, values) in a.fields.components.enumerated() {
            try phaseField("current_\(names[i])", values, longName: "probability current J along \(names[i])", marginals: false)
        }
        for (i, values) in a.fields.irreversibleVelocity.enumerated() {
            let v = names[grid.parameterDimension + i]
            try phaseField("current_irreversible_\(v)", values, longName: "irreversible part of J along \(v) under momentum parity", marginals: false)
            let reversible = zip(a.fields.components[grid.parameterDimension + i], values).map { $0 - $1 }
            try phaseField("current_reversible_\(v)", reversible, longName: "reversible part of J along \(v) under momentum parity", marginals: false)
        }
        try phaseField("current_divergence", a.fields.divergence, longName: "divergence of J", description: "div J = -dp/dt", marginals: false)
        for marginal in a.marginalCurrents {
            let dims = marginal.plane.split(separator: "_").map(String.init)
            try field("marginal_current_\(marginal.plane)_\(marginal.component)", marginal.values, dimensions: dims,
                      longName: "current along \(marginal.component) integrated over the axes outside the \(dims.joined(separator: "-")) plane")
        }
        try matrix("current_first_moment", c.firstMoment, longName: "first moment of the current, integral of (x - x*) J^T")

        var attributes: [String: AttributeValue] = [
            "current_total": .doubles(c.total),
            "current_abs_integral": .double(c.absoluteIntegral),
            "current_squared_integral": .double(c.squaredIntegral),
            "current_irreversible_fraction": .double(c.irreversibleFraction),
            "current_plane_circulations": .doubles(c.coordinatePlaneCirculations),
            "current_eigen_plane_circulations": .doubles(c.eigenPlaneCirculations),
            "current_rotation_frequencies": .doubles(c.rotationFrequencies),
            "current_rotation_sense": .text(c.eigenPlaneCirculations.map { $0 < 0 ? "clockwise" : "counterclockwise" }.joined(separator: " ")),
            "current_relative_divergence": .double(c.relativeDivergence),
            "current_theta_identity_deviation": .double(c.thetaIdentityDeviation),
            "current_mask_threshold": .double(c.maskThreshold),
            "modified_loss_threshold": .double(m.threshold),
            "modified_loss_fit_residual": .double(m.fitResidual),
            "exact_rotation_frequencies": .doubles(a.theory?.rotationFrequencies ?? a.sde.modes.map(\.omega)),
        ]
        if let ep = c.entropyProduction { attributes["entropy_production"] = .double(ep) }
        if let t = c.thetaPlaneCirculation { attributes["current_theta_plane_circulation"] = .double(t) }
        if let tv = m.psiTemperature { attributes["psi_temperature"] = .double(tv) }
        if let k = m.referenceTemperature { attributes["reference_temperature"] = .double(k) }
        if let centre = m.fittedMinimum { attributes["modified_loss_fitted_minimum"] = .doubles(centre) }
        if let theory = a.theory {
            attributes["exact_current_squared_integral"] = .double(theory.currentSquaredIntegral)
            attributes["exact_eigen_plane_circulations"] = .doubles(theory.eigenPlaneCirculations)
            if let ep = theory.entropyProduction { attributes["exact_entropy_production"] = .double(ep) }
            if let t = theory.thetaPlaneCirculation { attributes["exact_theta_plane_circulation"] = .double(t) }
        }
        if let t = a.sde.gibbsTemperature { attributes["gibbs_temperature"] = .double(t) }
        for (k, v) in attributes { try file.setAttribute(k, v) }
    }
}
