import LangevinModel

extension LinearDynamics {
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
