"""glassgrad's nn: neurons, layers and MLPs built on ``autograd.Value``; backprop falls out of the graph."""
