"""The crisis model beside the lexicon: its corpus, training, reports and lifecycle."""
