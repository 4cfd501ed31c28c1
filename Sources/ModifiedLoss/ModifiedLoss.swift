import Foundation
import LangevinModel
import Spectral

/// The modified loss of a density and the training loss beside it, on the grid (physics.md §6.4).
public struct ModifiedLossResult {
    /// The value written where a potential is masked (netCDF's default double fill value, which xarray
    /// turns into NaN).
    public static let fillValue = 9.969209968386869e36

    /// Φ = −log(p/p_max) where p > threshold·p_max, `fillValue` elsewhere (real layout).
    public var potential: [Double]
    /// Relative threshold of the mask, and the number of grid points inside it.
    public var threshold: Double
    public var maskedPoints: Int
    /// The Hessian U of the quadratic fitted to Φ over the mask (= P⁻¹ for a Gaussian law).
    public var fittedPrecision: Matrix
    /// The minimiser of the fitted quadratic, uncentred phase-space coordinates (x* for a Gaussian law).
    public var fittedMinimum: [Double]?
    /// RMS of Φ minus the fit over the mask: 0 up to round-off exactly when the law is Gaussian.
    public var fitResidual: Double

    /// The θ-marginal potential −log(p_θ/max p_θ) on the θ grid, masked the same way.
    public var thetaPotential: [Double]
    /// The Hessian of the quadratic fitted to it (= (P_θθ)⁻¹ for a Gaussian law).
    public var thetaFittedPrecision: Matrix

    /// For Σ = σ²H with invertible H: Ψ = T_v·Φ on the mask, so that p ∝ exp(−Ψ/T_v); nil otherwise.
    public var psi: [Double]?
    public var psiTemperature: Double?

    /// L_λ(θ) + ½m|v|² at every grid point, and L_λ(θ) on the θ grid.
    public var trainingEnergy: [Double]
    public var trainingLoss: [Double]
    /// κ_ref = η C_S tr(Σ)/(2d(1−β)): multiply Φ by it for a potential in units of the loss.
    public var referenceTemperature: Double?
}

/// How far a precision matrix is from the Gibbs law of the training loss, exp(−[L_λ + ½m|v|²]/T).
public struct GibbsComparison: Sendable {
    /// The temperatures that fit the θθ block (U_θθ ≈ H_λ/T) and the vv block (U_vv ≈ (m/T)I).
    public var thetaTemperature: Double
    public var velocityTemperature: Double
    /// The largest relative mismatch: of either block from its best fit, of the two temperatures from
    /// each other, and of U_θv from zero. Zero iff a single temperature fits.
    public var mismatch: Double
}

public enum ModifiedLoss {
    /// Φ, its quadratic fits, Ψ and the training loss for `density` on `grid` (real layout).
    ///
    /// With a frame x − x* = μ + L y (block lower-triangular L), `density` is the frame form q = |det L| p on a
    /// grid of y and every field is given at the frame points; Φ is the same function there (a constant factor
    /// cancels in p/max p), the fits are made in the physical coordinates of those points, and the θ-marginal
    /// is the y_θ-marginal (θ depends on y_θ alone).
    /// - Parameter threshold: the mask keeps p > threshold·max p (physics.md §9.11 uses 1e-6).
    public static func analyze(_ density: UnsafeBufferPointer<Double>, grid: PhaseSpaceGrid, sde: LangevinSDE,
                               threshold: Double = 1e-6, frame: Frame? = nil) throws -> ModifiedLossResult {
        let d = grid.parameterDimension, n = 2 * d
        let shape = grid.shape, strides = grid.strides
        let frame = frame ?? Frame.identity(n)
        precondition(frame.isBlockLowerTriangular(split: d), "a block lower-triangular frame")
        let l = frame.factor
        let coords = grid.axes.map(\.coordinates)
        // The box's reach along each physical axis.
        let scales = (0..<n).map { a in abs(frame.mean[a]) + (0..<n).reduce(0) { $0 + abs(l[a * n + $1]) * grid.axes[$1].halfWidth } }
        let peak = density.max() ?? 0
        guard peak > 0 else { throw ModelError.notPositiveDefinite(size: n) }
        var potential = [Double](repeating: ModifiedLossResult.fillValue, count: density.count)
        var masked = 0
        for i in 0..<density.count where density[i] > threshold * peak {
            potential[i] = -log(density[i] / peak)
            masked += 1
        }
        let fill = ModifiedLossResult.fillValue
        var y = [Double](repeating: 0, count: n)
        let fit = try QuadraticFit.fit(
            count: density.count, dimension: n, scales: scales,
            coordinates: { i, x in
                for a in 0..<n { y[a] = coords[a][(i / strides[a]) % shape[a]] }
                frame.point(atFrameCoordinates: y, into: &x)
            },
            value: { potential[$0] == fill ? nil : potential[$0] })

        let thetaMarginal = Quadrature.parameterMarginal(of: density, on: grid)
        let thetaPotential = maskedPotential(thetaMarginal, threshold: threshold)
        let thetaShape = Array(shape[0..<d]), thetaStrides = (0..<d).map { strides[$0] / grid.velocityPointCount }
        // θ − θ* = μ_θ + L_θθ y_θ: the θ part of the frame point with y_v = 0 (L is block lower-triangular).
        var yTheta = [Double](repeating: 0, count: n), xTheta = yTheta
        let thetaFit = try QuadraticFit.fit(
            count: thetaMarginal.count, dimension: d, scales: Array(scales[0..<d]),
            coordinates: { i, x in
                for a in 0..<d { yTheta[a] = coords[a][(i / thetaStrides[a]) % thetaShape[a]] }
                frame.point(atFrameCoordinates: yTheta, into: &xTheta)
                for a in 0..<d { x[a] = xTheta[a] }
            },
            value: { thetaPotential[$0] == fill ? nil : thetaPotential[$0] })

        let tv = sde.modifiedLossTemperature
        let psi = tv.map { t in potential.map { $0 == fill ? fill : t * $0 } }

        let thetaPoints = PhaseSpaceGrid.points(of: grid.parameterAxes), velocityPoints = PhaseSpaceGrid.points(of: grid.velocityAxes)
        var x = [Double](repeating: 0, count: n)
        let trainingLoss = thetaPoints.map { yTheta in
            frame.point(atFrameCoordinates: yTheta + [Double](repeating: 0, count: d), into: &x)
            return sde.regularizedLoss(Array(x[0..<d]))
        }
        var energy = [Double](repeating: 0, count: density.count)
        for it in 0..<thetaPoints.count {
            for iv in 0..<velocityPoints.count {
                frame.point(atFrameCoordinates: thetaPoints[it] + velocityPoints[iv], into: &x)
                energy[it * velocityPoints.count + iv] = trainingLoss[it] + (d..<n).reduce(0) { $0 + 0.5 * sde.mass * x[$1] * x[$1] }
            }
        }
        return ModifiedLossResult(
            potential: potential, threshold: threshold, maskedPoints: masked, fittedPrecision: fit.hessian.symmetrized,
            fittedMinimum: fit.centre.map { zip($0, sde.stationaryPoint).map(+) }, fitResidual: fit.rmsResidual,
            thetaPotential: thetaPotential, thetaFittedPrecision: thetaFit.hessian.symmetrized,
            psi: psi, psiTemperature: tv, trainingEnergy: energy, trainingLoss: trainingLoss,
            referenceTemperature: sde.referenceTemperature)
    }

    /// −log(p/max p) where p > threshold·max p, `fillValue` elsewhere.
    public static func maskedPotential(_ values: [Double], threshold: Double) -> [Double] {
        let peak = values.max() ?? 0
        return values.map { $0 > threshold * peak ? -log($0 / peak) : ModifiedLossResult.fillValue }
    }

    /// L_λ(θ) at every θ point of an axis-aligned grid centred on x*.
    public static func trainingLoss(on grid: PhaseSpaceGrid, sde: LangevinSDE) -> [Double] {
        PhaseSpaceGrid.points(of: grid.parameterAxes).map { sde.regularizedLoss($0) }
    }

    /// Compares a precision matrix U with the Gibbs law of the training loss (physics.md §6.3).
    public static func gibbsComparison(precision u: Matrix, sde: LangevinSDE) -> GibbsComparison {
        let d = sde.parameterDimension, n = 2 * d
        let h = sde.regularizedHessian
        let uTheta = u.block(rows: 0..<d, cols: 0..<d), uV = u.block(rows: d..<n, cols: d..<n)
        let uMixed = u.block(rows: 0..<d, cols: d..<n)
        func inner(_ a: Matrix, _ b: Matrix) -> Double { zip(a.elements, b.elements).reduce(0) { $0 + $1.0 * $1.1 } }
        let tTheta = inner(h, h) / inner(uTheta, h)
        let tV = sde.mass * Double(d) / uV.trace
        let thetaMismatch = (tTheta * uTheta - h).frobeniusNorm / h.frobeniusNorm
        let vMismatch = (tV / sde.mass * uV - Matrix.identity(d)).frobeniusNorm / Double(d).squareRoot()
        let mixed = uMixed.frobeniusNorm / (uTheta.frobeniusNorm * uV.frobeniusNorm).squareRoot()
        let temperatures = abs(tTheta / tV - 1)
        return GibbsComparison(thetaTemperature: tTheta, velocityTemperature: tV,
                               mismatch: max(thetaMismatch, vMismatch, mixed, temperatures))
    }
}

extension LangevinSDE {
    /// L_λ at θ* + θ̃ (centred coordinates).
    func regularizedLoss(_ centred: [Double]) -> Double {
        loss.regularizedValue(zip(centred, regularizedMinimum).map(+), weightDecay: hyperparameters.weightDecay)
    }
}
