"""Keras layers (channels-last), each a thin ``nn.Module`` over the matching ``tc.nn`` layer."""
from .base import Layer
from .conv import AveragePooling2D, Conv2D, MaxPooling2D
from .core import Activation, Dense, Dropout, Flatten, Input, InputLayer, Reshape
from .normalization import BatchNormalization

MaxPool2D = MaxPooling2D
AvgPool2D = AveragePooling2D
Convolution2D = Conv2D

__all__ = ["Layer", "Dense", "Activation", "Dropout", "Flatten", "Reshape", "InputLayer", "Input", "Conv2D",
           "Convolution2D", "MaxPooling2D", "MaxPool2D", "AveragePooling2D", "AvgPool2D", "BatchNormalization"]
