"""Keras layers (channels-last), each a thin ``nn.Module`` over the matching ``tc.nn`` layer."""
from .base import Layer
from .conv import AveragePooling2D, Conv2D, MaxPooling2D
from .core import Activation, Dense, Dropout, Flatten, Input, InputLayer, Reshape
from .embedding import Embedding
from .merge import (Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract, add, average, concatenate,
                    maximum, minimum, multiply, subtract)
from .normalization import BatchNormalization
from .pooling import GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D
from .recurrent import GRU, LSTM, SimpleRNN

MaxPool2D = MaxPooling2D
AvgPool2D = AveragePooling2D
Convolution2D = Conv2D
GlobalAvgPool2D = GlobalAveragePooling2D
GlobalMaxPool2D = GlobalMaxPooling2D

__all__ = ["Layer", "Dense", "Activation", "Dropout", "Flatten", "Reshape", "InputLayer", "Input", "Conv2D",
           "Convolution2D", "MaxPooling2D", "MaxPool2D", "AveragePooling2D", "AvgPool2D", "BatchNormalization",
           "Embedding", "SimpleRNN", "LSTM", "GRU", "GlobalAveragePooling1D", "GlobalAveragePooling2D",
           "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalAvgPool2D", "GlobalMaxPool2D", "Add", "Subtract",
           "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "add", "subtract", "multiply", "average",
           "maximum", "minimum", "concatenate"]


def __dir__():
    return list(__all__)
