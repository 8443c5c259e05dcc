"""What marks synthetic material, shared by the demo generator that writes it and the stages
that must recognise it (so production code never imports the generator)."""

# Printed on every page of a demo document; a corpus whose pages carry it is reported as synthetic.
SYNTHETIC_MARKER = "SYNTHETISCH DEMODOCUMENT – geen echt beleid"
GROUND_TRUTH = "ground_truth.json"  # written next to the documents of a demo corpus
