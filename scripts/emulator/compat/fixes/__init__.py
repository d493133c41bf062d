"""moto bug fixes: moto has the model or function and it is wrong. Each module names the moto
code it corrects and the AWS documentation of the behaviour it restores."""
