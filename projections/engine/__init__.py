"""How read models run: the view base, the live runner, rebuilds, poison events and the event
store's recorder.
"""
