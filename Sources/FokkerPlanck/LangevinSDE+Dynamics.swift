import LangevinModel

extension LinearDynamics {
    /// 2D as an n×n matrix from a velocity block D_vv (row-major d×d), symmetrised: the input of the noise integral.
    static func twiceDiffusion(velocityBlock dvv: [Double], parameterDimension d: Int) -> Matrix {
        var twoD = Matrix.zeros(2 * d, 2 * d)
        for i in 0..<d { for j in 0..<d { twoD[d + i, d + j] = dvv[i * d + j] + dvv[j * d + i] } }
        return twoD
    }

    /// The solver's view of the SGD Langevin model: drift −A(x − x*), velocity diffusion D_vv(θ).
    public init(_ sde: LangevinSDE) {
        let constant = sde.constantVelocityDiffusion
        self.init(
            parameterDimension: sde.parameterDimension,
            driftMatrix: sde.driftMatrix.elements,
            stationaryPoint: sde.stationaryPoint,
            hasConstantDiffusion: constant != nil,
            velocityDiffusion: { theta in constant?.elements ?? sde.velocityDiffusion(at: theta).elements })
    }
}
