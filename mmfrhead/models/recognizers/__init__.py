from .fr_recognizer import FRRecognizer

__all__ = ['FRRecognizer']
