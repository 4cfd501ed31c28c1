import Foundation
import SGDFPTestSupport
import Testing
import LangevinModel
import Spectral
@testable import FokkerPlanck

/// The Strang splitting of the exact linear flow (noise frozen at θ*) and the exact remainder diffusion.
@Suite struct StrangSplittingTests {
    /// M1 (loss-Hessian noise, physics.md §9.10) to t = 40 at 128² with a 14σ box: the second moments
    /// match the closure to the spatial floor of this grid (2.7e-7, the same as lawson-dp54's), inside the
    /// 1e-6 target, already at a loose tolerance of 1e-5, because the accepted value is extrapolated.
    @Test func m1StationaryMomentsAt128() throws {
        let sde = ReferenceModel.m1.sde
        let start = gaussianStart(sde, offset: [0, 0], variances: [1.0 / 6, 1.754])
        let r = try compareWithExact(sde, initial: start, points: 128, stop: 40, every: 10, scheme: "exact-strang",
                                     tolerance: 1e-5, sigmas: 14, boundaryTolerance: 1e-6)
        #expect(r.covarianceErrors.last! <= 1e-6, "covariance errors \(r.covarianceErrors)")
        #expect(r.summary!.finalMassError <= 1e-12)
    }

    /// The error against a tight-tolerance run falls with the tolerance: over two decades the fitted
    /// log-log slope must exceed 0.5 (the controller is tuned on the h³ estimate of the unextrapolated
    /// value, so the kept value is more accurate than asked). 128², because on a coarse grid every line
    /// pass drops the spectrum beyond Nyquist, an error that grows with the number of steps and masks
    /// the time error (at 64² it sits at 3e-5 whatever the tolerance).
    @Test func errorFallsWithTolerance() throws {
        let sde = ReferenceModel.m1.sde
        let start = gaussianStart(sde, offset: [0.3, 0.5], variances: [0.1, 1.2])
        func covariance(_ tol: Double) throws -> [Double] {
            let r = try runMoments(sde, start: start, tolerance: tol)
            return r
        }
        let reference = try covariance(1e-7)
        let tolerances = [1e-2, 1e-3, 1e-4]
        let errors = try tolerances.map { tol in
            zip(try covariance(tol), reference).map { abs($0 - $1) }.max()! / reference.map(abs).max()!
        }
        let x = tolerances.map { log10($0) }, y = errors.map { log10($0) }
        let mx = x.reduce(0, +) / 3, my = y.reduce(0, +) / 3
        let slope = zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) } / x.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
        #expect(errors[0] > errors[1] && errors[1] > errors[2], "errors \(errors)")
        #expect(slope > 0.5, "errors \(errors), slope \(slope)")
    }

    /// Covariance at t = 2 of M1 on 128² with a 14σ box.
    func runMoments(_ sde: LangevinSDE, start: GaussianMixture, tolerance: Double) throws -> [Double] {
        let r = try compareWithExact(sde, initial: start, points: 128, stop: 2, every: 2, scheme: "exact-strang",
                                     tolerance: tolerance, sigmas: 14, boundaryTolerance: 1)
        return r.lastCovariance
    }

    /// With constant noise the remainder vanishes and the scheme is the exact propagator.
    @Test func constantNoiseIsExact() throws {
        let sde = ReferenceModel.p1.sde
        let r = try compareWithExact(sde, initial: gaussianStart(sde, offset: [1, 0], variances: [0.1, 1]),
                                     points: 128, stop: 5, every: 1, scheme: "exact-strang", tolerance: 1e-6)
        #expect(r.worstL1 <= 1e-10, "L1 \(r.l1Errors)")
        #expect(r.summary!.finalMassError <= 1e-12)
    }
}
