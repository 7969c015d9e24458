// SAMLab: the umbrella module. `import SAMLab` brings in the scientific library in one line:
//
// - SAMCore: run specifications (`RunSpec`), the registry of rules, losses and models, the discrete runner,
//   results (`RunResult`) and run folders;
// - SAMFlow: the flows (`FlowRunner`) and `RunSpec.run(on:registry:)`;
// - SAMAnalysis: data checks and `RunSpec.run(registry:)`, max-margin solutions, separability, the theory's
//   predictions (`L2Theory`, `LInfTheory`) and the analysis of runs;
// - SAMPlot: figures, SVG and PNG.
//
// SAMVision (the CNN and Grad-CAM) and SAMExperiments (the paper's catalog and sweeps) are products of their own;
// see Package.swift for why they are not re-exported here.
@_exported import SAMAnalysis
@_exported import SAMCore
@_exported import SAMFlow
@_exported import SAMPlot
